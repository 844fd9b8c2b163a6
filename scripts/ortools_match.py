#!/usr/bin/env python3
"""The reference for Clusterhub's assignment engine: OR-Tools' min-cost flow on the same instances.

Modes:
  --input problem.json       solve one problem in `clusterhub match`'s JSON format; print the
                             objective (last line `objective: N`), or exit 2 if infeasible
  --binary instance.bin      solve a `clusterhub bench match` instance (compact arrays, see below)
                             and print one JSON line: objective, build and solve seconds, peak MiB
  --check N --clusterhub BIN generate N random problems with minimum loads, forced and forbidden
                             pairs, totals and quotas, solve each with OR-Tools and with
                             `BIN match`, and fail unless the objectives (or infeasibility) agree

The network is the engine's (crates/clusterhub-assignment/src/lib.rs): S -> [quota groups, as a
tree] -> agent [min, min(max, degree)] -> target (pairs, capacity 1, cost -score, forced pairs
with lower bound 1) -> T [min, min(max, degree)], and T -> S carrying the total ([total, total])
or anything ([0, inf]). Lower bounds become supplies (OR-Tools' own mechanism): an arc [l, u]
becomes capacity u - l with l units supplied at its head and demanded at its tail.

Requires `pip install ortools` (which brings numpy).
"""

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
from ortools.graph.python import min_cost_flow

MAGIC = b"CHMATCH1"


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def min_pairs(min_share, total):
    """ceil(min_share * total), reading 0.07 * 100 = 7.000000000000001 as 7 (same rule as Rust)."""
    x = min_share * total
    r = round(x)
    if abs(x - r) <= 1e-9 * max(1.0, abs(x)):
        return int(r)
    return math.ceil(x)


class NotAFlow(Exception):
    pass


def solve_problem(problem):
    """Returns (objective or None if infeasible, build seconds, solve seconds)."""
    started = time.perf_counter()
    agents = problem["agents"]
    targets = problem["targets"]
    a_index = {a["id"]: i for i, a in enumerate(agents)}
    t_index = {t["id"]: i for i, t in enumerate(targets)}
    forbidden = {tuple(p) for p in problem.get("forbidden", [])}
    forced = {tuple(p) for p in problem.get("forced", [])}
    edges = []
    for e in problem["edges"]:
        pair = (e["agent"], e["target"])
        if pair in forbidden:
            if pair in forced:
                return None, 0.0, 0.0
            continue
        edges.append((a_index[pair[0]], t_index[pair[1]], int(e["score"]), pair in forced))
    a_min = [a.get("min", 0) for a in agents]
    a_max = [a.get("max", 1) for a in agents]
    t_min = [t.get("min", 0) for t in targets]
    t_max = [t.get("max", 1) for t in targets]
    a_deg = [0] * len(agents)
    t_deg = [0] * len(targets)
    for a, t, _, _ in edges:
        a_deg[a] += 1
        t_deg[t] += 1
    a_up = [min(m, d) for m, d in zip(a_max, a_deg)]
    t_up = [min(m, d) for m, d in zip(t_max, t_deg)]
    total = problem.get("total")

    # Quota groups: only those with a positive requirement; they must be laminar.
    groups = []
    for q in problem.get("quotas", []):
        need = min_pairs(q["min_share"], total)
        members = sorted({i for i, a in enumerate(agents) if q["group"] in a.get("groups", [])})
        if need > 0:
            groups.append((q["group"], members, need))
    for i, (gi, mi, _) in enumerate(groups):
        for gj, mj, _ in groups[i + 1:]:
            shared = len(set(mi) & set(mj))
            if 0 < shared < min(len(mi), len(mj)):
                raise NotAFlow(f"quota groups {gi} and {gj} cross")
    order = sorted(range(len(groups)), key=lambda g: (-len(groups[g][1]), g))
    S, T = 0, 1
    owner = [S] * len(agents)
    group_arcs = []  # (parent, node, need)
    for k, g in enumerate(order):
        node = 2 + k
        members = groups[g][1]
        parent = owner[members[0]] if members else S
        for m in members:
            owner[m] = node
        group_arcs.append((parent, node, groups[g][2]))
    first_agent = 2 + len(order)
    first_target = first_agent + len(agents)

    arcs = []  # (tail, head, lower, upper, cost)
    target_total = sum(t_up)
    if total is None:
        arcs.append((T, S, 0, target_total, 0))
    else:
        arcs.append((T, S, total, total, 0))
    agent_total = sum(a_up)
    for parent, node, need in group_arcs:
        arcs.append((parent, node, need, agent_total, 0))
    for i in range(len(agents)):
        arcs.append((owner[i], first_agent + i, a_min[i], a_up[i], 0))
    for a, t, score, is_forced in edges:
        arcs.append((first_agent + a, first_target + t, 1 if is_forced else 0, 1, -score))
    for j in range(len(targets)):
        arcs.append((first_target + j, T, t_min[j], t_up[j], 0))

    flow = min_cost_flow.SimpleMinCostFlow()
    supply = [0] * (first_target + len(targets))
    constant = 0
    for tail, head, lower, upper, cost in arcs:
        if lower > upper:
            return None, 0.0, 0.0
        flow.add_arc_with_capacity_and_unit_cost(tail, head, upper - lower, cost)
        supply[head] += lower
        supply[tail] -= lower
        constant += lower * cost
    for node, s in enumerate(supply):
        flow.set_node_supply(node, s)
    built = time.perf_counter()
    status = flow.solve()
    solved = time.perf_counter()
    if status == flow.INFEASIBLE:
        return None, built - started, solved - built
    if status != flow.OPTIMAL:
        raise RuntimeError(f"OR-Tools min-cost flow status {status}")
    return -(flow.optimal_cost() + constant), built - started, solved - built


def solve_binary(path):
    """A bench instance: minimum loads 0, no forced pairs, total or quotas, so no supplies."""
    started = time.perf_counter()
    with open(path, "rb") as f:
        header = f.read(24)
        if header[:8] != MAGIC:
            raise SystemExit(f"{path}: not a clusterhub bench instance")
        agents, targets = (int(x) for x in np.frombuffer(header[8:16], dtype="<u4"))
        edges = int(np.frombuffer(header[16:24], dtype="<u8")[0])
        a_max = np.fromfile(f, dtype="<u4", count=agents).astype(np.int64)
        t_max = np.fromfile(f, dtype="<u4", count=targets).astype(np.int64)
        e_agent = np.fromfile(f, dtype="<u4", count=edges).astype(np.int32)
        e_target = np.fromfile(f, dtype="<u4", count=edges).astype(np.int32)
        e_score = np.fromfile(f, dtype="<i4", count=edges).astype(np.int64)
    a_up = np.minimum(a_max, np.bincount(e_agent, minlength=agents))
    t_up = np.minimum(t_max, np.bincount(e_target, minlength=targets))
    S, T, first_agent, first_target = 0, 1, 2, 2 + agents
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arc_with_capacity_and_unit_cost(T, S, int(t_up.sum()), 0)
    agent_nodes = np.arange(first_agent, first_agent + agents, dtype=np.int32)
    target_nodes = np.arange(first_target, first_target + targets, dtype=np.int32)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(agents, S, dtype=np.int32), agent_nodes, a_up, np.zeros(agents, dtype=np.int64)
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        e_agent + first_agent, e_target + first_target, np.ones(edges, dtype=np.int64), -e_score
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        target_nodes, np.full(targets, T, dtype=np.int32), t_up, np.zeros(targets, dtype=np.int64)
    )
    del e_agent, e_target, e_score
    built = time.perf_counter()
    status = flow.solve()
    solved = time.perf_counter()
    if status != flow.OPTIMAL:
        raise SystemExit(f"OR-Tools min-cost flow status {status}")
    print(
        json.dumps(
            {
                "objective": -flow.optimal_cost(),
                "build_s": built - started,
                "solve_s": solved - built,
                "peak_mib": peak_mib(),
            }
        )
    )


def random_problem(rng):
    """Small random problems with every kind of constraint (quota groups kept laminar)."""
    n_agents = rng.randint(1, 7)
    n_targets = rng.randint(1, 6)
    agents = []
    for i in range(n_agents):
        lo = rng.choice([0, 0, 0, 1, 2])
        agent = {"id": f"v{i}", "min": lo, "max": lo + rng.randint(0, 3)}
        groups = []
        if rng.random() < 0.5:
            groups.append("sme")
            if rng.random() < 0.5:
                groups.append("sme-young")  # nested inside sme
        elif rng.random() < 0.3:
            groups.append("other")  # disjoint from sme
        agent["groups"] = groups
        agents.append(agent)
    targets = []
    for j in range(n_targets):
        lo = rng.choice([0, 0, 0, 1, 2])
        targets.append({"id": f"h{j}", "min": lo, "max": lo + rng.randint(0, 4)})
    edges, forbidden, forced = [], [], []
    for a in agents:
        for t in targets:
            if rng.random() < 0.6:
                edges.append({"agent": a["id"], "target": t["id"], "score": rng.randint(-200, 1000)})
                r = rng.random()
                if r < 0.08:
                    forced.append([a["id"], t["id"]])
                elif r < 0.16:
                    forbidden.append([a["id"], t["id"]])
            elif rng.random() < 0.1:
                forbidden.append([a["id"], t["id"]])  # forbidding a non-candidate is allowed
    problem = {"agents": agents, "targets": targets, "edges": edges}
    if forbidden:
        problem["forbidden"] = forbidden
    if forced:
        problem["forced"] = forced
    if rng.random() < 0.5:
        problem["total"] = rng.randint(0, len(edges))
        if rng.random() < 0.6:
            problem["quotas"] = [
                {"group": g, "min_share": rng.choice([0.1, 0.25, 0.5, 0.07, 1 / 3])}
                for g in rng.sample(["sme", "sme-young", "other"], rng.randint(1, 3))
            ]
    return problem


def check(count, binary, seed):
    rng = random.Random(seed)
    agreed = infeasible = 0
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "problem.json")
        for case in range(count):
            problem = random_problem(rng)
            with open(path, "w") as f:
                json.dump(problem, f)
            expected, _, _ = solve_problem(problem)
            run = subprocess.run(
                [binary, "match", "--input", path], capture_output=True, text=True
            )
            if expected is None:
                ok = run.returncode == 2
                infeasible += 1
            else:
                last = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
                ok = run.returncode == 0 and last == f"objective: {expected}"
            if not ok:
                print(json.dumps(problem))
                print(f"case {case}: OR-Tools {expected}, clusterhub exit {run.returncode}:")
                print(run.stdout + run.stderr)
                return 1
            agreed += 1
    print(f"{agreed} problems agree with OR-Tools ({infeasible} of them infeasible)")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input")
    parser.add_argument("--binary")
    parser.add_argument("--check", type=int)
    parser.add_argument("--clusterhub", default="clusterhub")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.binary:
        solve_binary(args.binary)
        return 0
    if args.check is not None:
        return check(args.check, args.clusterhub, args.seed)
    if not args.input:
        parser.error("one of --input, --binary or --check is needed")
    with open(args.input) as f:
        problem = json.load(f)
    try:
        objective, build, solve = solve_problem(problem)
    except NotAFlow as error:
        print(f"not a flow: {error}", file=sys.stderr)
        return 1
    print(f"build {build:.3f} s, solve {solve:.3f} s, peak {peak_mib():.0f} MiB", file=sys.stderr)
    if objective is None:
        print("no assignment exists")
        return 2
    print(f"objective: {objective}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
