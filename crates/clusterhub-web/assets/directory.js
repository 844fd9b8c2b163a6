// Clusterhub — the directory's enhancements: the selected list kept in the browser, filters
// that apply as soon as they change, and the map's pan, zoom and marker updates.
// Served from /static/ under the strict Content-Security-Policy: no inline script, no eval.
// Every page works without this file; it only makes them quicker to use.
(function () {
  "use strict";

  var STORAGE_KEY = "clusterhub.selected";
  var MAX_SELECTED = 500;

  // ---- The selected list ---------------------------------------------------------------

  function readSelected() {
    try {
      var list = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "[]");
      if (!Array.isArray(list)) return [];
      return list.filter(function (entry) {
        return entry && typeof entry.id === "number" && entry.id > 0;
      });
    } catch (error) {
      return [];
    }
  }

  function writeSelected(list) {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(list.slice(0, MAX_SELECTED)));
    } catch (error) {
      // Storage may be full or switched off; the list then lasts as long as the page.
    }
  }

  function idQuery(list) {
    return list.map(function (entry) { return "id=" + entry.id; }).join("&");
  }

  function isSelected(list, id) {
    return list.some(function (entry) { return entry.id === id; });
  }

  function refreshNavigation(list) {
    var count = document.getElementById("selected-count");
    var link = document.getElementById("nav-selected");
    if (count) {
      count.textContent = String(list.length);
      count.hidden = list.length === 0;
    }
    if (link) {
      link.setAttribute("href", list.length ? "/selected?" + idQuery(list) : "/selected");
    }
  }

  function refreshToggle(button, list) {
    var id = Number(button.getAttribute("data-id"));
    var chosen = isSelected(list, id);
    button.hidden = false;
    button.setAttribute("aria-pressed", chosen ? "true" : "false");
    button.classList.toggle("is-selected", chosen);
    var text = button.querySelector(".basket-text");
    var icon = button.querySelector(".basket-icon");
    if (text) {
      text.textContent = button.getAttribute(chosen ? "data-label-remove" : "data-label-add");
    }
    if (icon) icon.textContent = chosen ? "✓" : "+";
  }

  function setUpSelectedList() {
    var list = readSelected();
    refreshNavigation(list);
    var buttons = document.querySelectorAll(".basket-toggle");
    Array.prototype.forEach.call(buttons, function (button) {
      refreshToggle(button, list);
      button.addEventListener("click", function () {
        var current = readSelected();
        var id = Number(button.getAttribute("data-id"));
        if (isSelected(current, id)) {
          current = current.filter(function (entry) { return entry.id !== id; });
        } else if (current.length < MAX_SELECTED) {
          current.push({ id: id, name: button.getAttribute("data-name") || "" });
        }
        writeSelected(current);
        refreshNavigation(current);
        Array.prototype.forEach.call(document.querySelectorAll(".basket-toggle"), function (other) {
          refreshToggle(other, current);
        });
      });
    });

    var page = document.getElementById("selected-page");
    if (!page) return;
    var shownIds = page.getAttribute("data-ids") || "";
    if (!shownIds && list.length && window.location.search.indexOf("id=") === -1) {
      window.location.replace("/selected?" + idQuery(list));
      return;
    }
    Array.prototype.forEach.call(page.querySelectorAll(".selected-remove"), function (link) {
      link.addEventListener("click", function () {
        var id = Number(link.getAttribute("data-id"));
        writeSelected(readSelected().filter(function (entry) { return entry.id !== id; }));
      });
    });
    var clear = document.getElementById("selected-clear");
    if (clear) {
      clear.hidden = false;
      clear.addEventListener("click", function () {
        writeSelected([]);
        window.location.assign("/selected");
      });
    }
  }

  // ---- Filters that apply on change ----------------------------------------------------------

  function setUpFilters() {
    var form = document.getElementById("directory-form");
    if (!form || typeof form.requestSubmit !== "function") return;
    var apply = document.getElementById("apply-filters");
    if (apply) apply.hidden = true;
    var watched = document.querySelectorAll("#facets input[type=checkbox], #directory-sort");
    Array.prototype.forEach.call(watched, function (input) {
      input.addEventListener("change", function () { form.requestSubmit(); });
    });
  }

  // ---- The map -------------------------------------------------------------------------------

  // Lambert azimuthal equal-area centred on 52° N, 10° E, in kilometres with y down: the same
  // projection as the server's (src/pages/map.rs).
  var RADIUS = 6371;
  var PHI0 = 52 * Math.PI / 180;
  var LAMBDA0 = 10 * Math.PI / 180;

  function project(lon, lat) {
    var phi = lat * Math.PI / 180;
    var lambda = lon * Math.PI / 180 - LAMBDA0;
    var denominator = 1 + Math.sin(PHI0) * Math.sin(phi) + Math.cos(PHI0) * Math.cos(phi) * Math.cos(lambda);
    var k = Math.sqrt(2 / Math.max(denominator, 1e-12));
    var x = RADIUS * k * Math.cos(phi) * Math.sin(lambda);
    var y = RADIUS * k * (Math.cos(PHI0) * Math.sin(phi) - Math.sin(PHI0) * Math.cos(phi) * Math.cos(lambda));
    return [x, -y];
  }

  function unproject(x, y) {
    y = -y;
    var rho = Math.sqrt(x * x + y * y);
    if (rho < 1e-9) return [10, 52];
    var c = 2 * Math.asin(Math.min(1, rho / (2 * RADIUS)));
    var lat = Math.asin(Math.max(-1, Math.min(1, Math.cos(c) * Math.sin(PHI0) + y * Math.sin(c) * Math.cos(PHI0) / rho)));
    var lon = LAMBDA0 + Math.atan2(x * Math.sin(c), rho * Math.cos(PHI0) * Math.cos(c) - y * Math.sin(PHI0) * Math.sin(c));
    return [lon * 180 / Math.PI, lat * 180 / Math.PI];
  }

  function clusterLevel(width) {
    var level = Math.round(Math.log(308000 / Math.max(width, 1)) / Math.LN2);
    return Math.max(2, Math.min(16, level));
  }

  function markerRadiusPx(count) {
    return count <= 1 ? 6 : Math.min(30, 10 + 8 * Math.log(count) / Math.LN10);
  }

  var SVG_NS = "http://www.w3.org/2000/svg";

  function setUpMap() {
    var figure = document.getElementById("directory-map");
    var svg = document.getElementById("map-svg");
    var frame = document.getElementById("map-frame");
    var layer = document.getElementById("map-markers");
    if (!figure || !svg || !frame || !layer) return;
    var initial = (figure.getAttribute("data-view") || "").split(" ").map(Number);
    if (initial.length !== 4 || initial.some(isNaN)) return;
    var view = { x: initial[0], y: initial[1], w: initial[2], h: initial[3] };
    var markersUrl = figure.getAttribute("data-markers") || "";
    var zoomHref = figure.getAttribute("data-zoom-href") || "";
    var fixedBox = /[?&]bbox=/.test(markersUrl);
    var numberFormat = new Intl.NumberFormat(document.documentElement.lang || "en");
    var clusterTitle = layer.getAttribute("data-cluster-title") || "{count}";
    var tools = document.getElementById("map-tools");
    var hint = document.getElementById("map-hint");
    if (tools) tools.hidden = false;
    if (hint) hint.hidden = false;
    frame.setAttribute("tabindex", "0");
    frame.setAttribute("role", "application");
    frame.setAttribute("aria-label", frame.getAttribute("data-label") || "Map");

    function kmPerPixel() {
      var width = svg.clientWidth || 640;
      var height = svg.clientHeight || 512;
      return Math.max(view.w / width, view.h / height);
    }

    function applyView() {
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].map(function (value) {
        return value.toFixed(1);
      }).join(" "));
      resizeMarkers();
      scheduleFetch();
    }

    function resizeMarkers() {
      var scale = kmPerPixel();
      Array.prototype.forEach.call(layer.querySelectorAll(".marker"), function (marker) {
        var count = Number(marker.getAttribute("data-count") || "1");
        var circle = marker.querySelector("circle");
        if (circle) circle.setAttribute("r", (markerRadiusPx(count) * scale).toFixed(2));
        var text = marker.querySelector("text");
        if (text) text.setAttribute("font-size", (11 * scale).toFixed(2));
      });
    }

    function zoomAt(factor, centreX, centreY) {
      var newWidth = Math.min(12000, Math.max(15, view.w * factor));
      var actual = newWidth / view.w;
      view.x = centreX - (centreX - view.x) * actual;
      view.y = centreY - (centreY - view.y) * actual;
      view.w = view.w * actual;
      view.h = view.h * actual;
      applyView();
    }

    function zoomCentre(factor) {
      zoomAt(factor, view.x + view.w / 2, view.y + view.h / 2);
    }

    function pan(dx, dy) {
      view.x += dx;
      view.y += dy;
      applyView();
    }

    function svgPoint(clientX, clientY) {
      var box = svg.getBoundingClientRect();
      var scale = kmPerPixel();
      // The drawing is centred in the frame (preserveAspectRatio xMidYMid meet).
      var drawnWidth = view.w / scale;
      var drawnHeight = view.h / scale;
      var offsetX = (box.width - drawnWidth) / 2;
      var offsetY = (box.height - drawnHeight) / 2;
      return [view.x + (clientX - box.left - offsetX) * scale, view.y + (clientY - box.top - offsetY) * scale];
    }

    function zoomToBounds(bounds) {
      var corners = [project(bounds[0], bounds[1]), project(bounds[2], bounds[3]),
        project(bounds[0], bounds[3]), project(bounds[2], bounds[1])];
      var xs = corners.map(function (corner) { return corner[0]; });
      var ys = corners.map(function (corner) { return corner[1]; });
      var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
      var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
      var width = Math.max((maxX - minX) * 1.4, 30);
      var height = Math.max((maxY - minY) * 1.4, 24);
      if (width / height > view.w / view.h) height = width * view.h / view.w;
      else width = height * view.w / view.h;
      // Never zoom out when a cluster is opened.
      if (width > view.w * 0.6) { width = view.w * 0.5; height = view.h * 0.5; }
      view = { x: (minX + maxX) / 2 - width / 2, y: (minY + maxY) / 2 - height / 2, w: width, h: height };
      applyView();
    }

    // Markers from the JSON endpoint.
    var fetchTimer = null;
    var fetchSerial = 0;

    function scheduleFetch() {
      if (fetchTimer) window.clearTimeout(fetchTimer);
      fetchTimer = window.setTimeout(fetchMarkers, 250);
    }

    function viewBounds() {
      var west = 180, east = -180, south = 90, north = -90;
      for (var step = 0; step <= 8; step++) {
        var t = step / 8;
        var points = [[view.x + view.w * t, view.y], [view.x + view.w * t, view.y + view.h],
          [view.x, view.y + view.h * t], [view.x + view.w, view.y + view.h * t]];
        points.forEach(function (point) {
          var position = unproject(point[0], point[1]);
          west = Math.min(west, position[0]); east = Math.max(east, position[0]);
          south = Math.min(south, position[1]); north = Math.max(north, position[1]);
        });
      }
      return [Math.max(-180, west), Math.max(-90, south), Math.min(180, east), Math.min(90, north)];
    }

    function fetchMarkers() {
      var serial = ++fetchSerial;
      var separator = markersUrl.indexOf("?") === -1 ? "?" : "&";
      var url = markersUrl + separator + "zoom=" + clusterLevel(view.w);
      if (!fixedBox) {
        url += "&bbox=" + viewBounds().map(function (value) { return value.toFixed(4); }).join(",");
      }
      figure.setAttribute("aria-busy", "true");
      window.fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (answer) {
          if (serial !== fetchSerial) return;
          drawMarkers(answer.clusters || []);
        })
        .catch(function () { /* The markers already drawn stay; the list is unaffected. */ })
        .then(function () { figure.removeAttribute("aria-busy"); });
    }

    function drawMarkers(clusters) {
      var scale = kmPerPixel();
      while (layer.firstChild) layer.removeChild(layer.firstChild);
      clusters.forEach(function (cluster) {
        var point = project(cluster.lon, cluster.lat);
        var link = document.createElementNS(SVG_NS, "a");
        link.setAttribute("tabindex", "-1");
        link.setAttribute("data-count", String(cluster.count));
        var circle = document.createElementNS(SVG_NS, "circle");
        circle.setAttribute("cx", point[0].toFixed(1));
        circle.setAttribute("cy", point[1].toFixed(1));
        circle.setAttribute("r", (markerRadiusPx(cluster.count) * scale).toFixed(2));
        var title = document.createElementNS(SVG_NS, "title");
        link.appendChild(circle);
        if (cluster.count === 1 && cluster.id) {
          link.setAttribute("class", "marker marker-single");
          link.setAttribute("href", "/organisations/" + cluster.id);
          link.setAttribute("data-id", String(cluster.id));
          title.textContent = cluster.name || "";
          circle.appendChild(title);
        } else {
          link.setAttribute("class", "marker marker-cluster");
          var bounds = cluster.bounds || [cluster.lon, cluster.lat, cluster.lon, cluster.lat];
          link.setAttribute("href", zoomHref + bounds.map(function (value) { return value.toFixed(4); }).join(","));
          link.setAttribute("data-bounds", bounds.join(","));
          var count = numberFormat.format(cluster.count);
          title.textContent = clusterTitle.replace("{count}", count);
          circle.appendChild(title);
          var text = document.createElementNS(SVG_NS, "text");
          text.setAttribute("x", point[0].toFixed(1));
          text.setAttribute("y", point[1].toFixed(1));
          text.setAttribute("dy", "0.35em");
          text.setAttribute("text-anchor", "middle");
          text.setAttribute("font-size", (11 * scale).toFixed(2));
          text.setAttribute("aria-hidden", "true");
          text.textContent = count;
          link.appendChild(text);
        }
        layer.appendChild(link);
      });
    }

    // Server-drawn markers carry their count for resizing.
    Array.prototype.forEach.call(layer.querySelectorAll(".marker"), function (marker) {
      if (!marker.hasAttribute("data-count")) {
        var text = marker.querySelector("text");
        marker.setAttribute("data-count", text ? text.textContent.replace(/\D/g, "") || "1" : "1");
      }
    });
    resizeMarkers();

    // Pointer: drag to pan; a drag never counts as a click on what it ends on.
    var drag = null;
    var moved = false;
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, viewX: view.x, viewY: view.y, id: event.pointerId };
      moved = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag || drag.id !== event.pointerId) return;
      var dx = event.clientX - drag.x;
      var dy = event.clientY - drag.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) < 5) return;
      if (!moved) {
        moved = true;
        try { svg.setPointerCapture(event.pointerId); } catch (error) { /* ignore */ }
        svg.classList.add("is-dragging");
      }
      var scale = kmPerPixel();
      view.x = drag.viewX - dx * scale;
      view.y = drag.viewY - dy * scale;
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].map(function (value) {
        return value.toFixed(1);
      }).join(" "));
    });
    function endDrag(event) {
      if (!drag || drag.id !== event.pointerId) return;
      drag = null;
      svg.classList.remove("is-dragging");
      if (moved) applyView();
    }
    svg.addEventListener("pointerup", endDrag);
    svg.addEventListener("pointercancel", endDrag);
    svg.addEventListener("click", function (event) {
      if (moved) {
        event.preventDefault();
        moved = false;
        return;
      }
      var cluster = event.target.closest ? event.target.closest(".marker-cluster") : null;
      if (cluster) {
        event.preventDefault();
        var bounds = (cluster.getAttribute("data-bounds") || "").split(",").map(Number);
        if (bounds.length === 4 && !bounds.some(isNaN)) zoomToBounds(bounds);
      }
    });
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var point = svgPoint(event.clientX, event.clientY);
      zoomAt(event.deltaY > 0 ? 1.25 : 0.8, point[0], point[1]);
    }, { passive: false });

    // Buttons and keys.
    function onClick(id, action) {
      var element = document.getElementById(id);
      if (element) element.addEventListener("click", action);
    }
    onClick("map-zoom-in", function () { zoomCentre(0.67); });
    onClick("map-zoom-out", function () { zoomCentre(1.5); });
    onClick("map-reset", function () {
      view = { x: initial[0], y: initial[1], w: initial[2], h: initial[3] };
      applyView();
    });
    frame.addEventListener("keydown", function (event) {
      var step = view.w * 0.1;
      var handled = true;
      switch (event.key) {
        case "ArrowLeft": pan(-step, 0); break;
        case "ArrowRight": pan(step, 0); break;
        case "ArrowUp": pan(0, -step); break;
        case "ArrowDown": pan(0, step); break;
        case "+": case "=": zoomCentre(0.67); break;
        case "-": case "_": zoomCentre(1.5); break;
        case "0":
          view = { x: initial[0], y: initial[1], w: initial[2], h: initial[3] };
          applyView();
          break;
        default: handled = false;
      }
      if (handled) event.preventDefault();
    });
  }

  function start() {
    setUpSelectedList();
    setUpFilters();
    setUpMap();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
