//! What the generator knows about each country with NUTS regions: its languages (by region where
//! there are several), its companies' legal forms, its web domain, its national industrial flavour
//! and its big ports.

use crate::languages::{
    ALBANIAN, BULGARIAN, CROATIAN, CZECH, DANISH, DUTCH, ENGLISH, ESTONIAN, FINNISH, FRENCH,
    GERMAN, GREEK, HUNGARIAN, ICELANDIC, ITALIAN, LATVIAN, LITHUANIAN, Language, MACEDONIAN,
    NORWEGIAN, POLISH, PORTUGUESE, ROMANIAN, SERBIAN, SLOVAK, SLOVENIAN, SPANISH, SWEDISH, TURKISH,
};

/// The countries the generator places organisations in (ISO alpha-2 codes): every country with
/// NUTS 2021 regions.
pub(crate) const SUPPORTED_COUNTRIES: [&str; 37] = [
    "AL", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR",
    "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "ME", "MK", "MT", "NL", "NO", "PL", "PT", "RO",
    "RS", "SE", "SI", "SK", "TR",
];

/// The language organisations in a NUTS-3 region write their names in.
pub(crate) fn language_of(country: &str, nuts3: &str) -> &'static Language {
    match country {
        "AT" | "DE" | "LI" => &GERMAN,
        "BE" => {
            if nuts3.starts_with("BE2") {
                &DUTCH
            } else {
                &FRENCH
            }
        }
        "CH" => {
            const FRENCH_SPEAKING: [&str; 4] = ["CH01", "CH022", "CH024", "CH025"];
            if FRENCH_SPEAKING
                .iter()
                .any(|prefix| nuts3.starts_with(prefix))
            {
                &FRENCH
            } else if nuts3.starts_with("CH07") {
                &ITALIAN
            } else {
                &GERMAN
            }
        }
        "FR" | "LU" => &FRENCH,
        "IT" => &ITALIAN,
        "ES" => &SPANISH,
        "PT" => &PORTUGUESE,
        "NL" => &DUTCH,
        "PL" => &POLISH,
        "CZ" => &CZECH,
        "SK" => &SLOVAK,
        "HU" => &HUNGARIAN,
        "RO" => &ROMANIAN,
        "BG" => &BULGARIAN,
        "GR" | "CY" => &GREEK,
        "HR" => &CROATIAN,
        "SI" => &SLOVENIAN,
        "RS" | "ME" => &SERBIAN,
        "MK" => &MACEDONIAN,
        "AL" => &ALBANIAN,
        "TR" => &TURKISH,
        "DK" => &DANISH,
        "SE" => &SWEDISH,
        "NO" => &NORWEGIAN,
        "FI" => {
            // Åland writes Swedish.
            if nuts3.starts_with("FI2") {
                &SWEDISH
            } else {
                &FINNISH
            }
        }
        "EE" => &ESTONIAN,
        "LV" => &LATVIAN,
        "LT" => &LITHUANIAN,
        "IS" => &ICELANDIC,
        _ => &ENGLISH,
    }
}

/// The legal forms companies of a country use.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LegalForms {
    /// Forms of small and medium-sized companies; a form listed twice is twice as likely.
    pub(crate) small: &'static [&'static str],
    /// Forms of large companies.
    pub(crate) large: &'static [&'static str],
    /// Whether the form comes before the name (`SIA Kalniņš Būvniecība`, `UAB Baltic Soft`).
    pub(crate) before_name: bool,
    /// What separates the name from a form written after it (`, ` in Portugal: `Silva & Santos, Lda.`).
    pub(crate) separator: &'static str,
}

const fn after(small: &'static [&'static str], large: &'static [&'static str]) -> LegalForms {
    LegalForms {
        small,
        large,
        before_name: false,
        separator: " ",
    }
}

/// The legal forms of a country, in the language its region writes.
pub(crate) fn legal_forms(country: &str, language: &Language) -> LegalForms {
    match (country, language.code) {
        ("DE", _) => after(
            &[
                "GmbH",
                "GmbH",
                "GmbH",
                "GmbH",
                "GmbH",
                "GmbH & Co. KG",
                "GmbH & Co. KG",
                "UG (haftungsbeschränkt)",
                "e.K.",
                "KG",
            ],
            &["AG", "SE", "GmbH", "GmbH & Co. KG"],
        ),
        ("AT", _) => after(
            &["GmbH", "GmbH", "GmbH", "GmbH", "KG", "OG", "e.U."],
            &["AG", "GmbH"],
        ),
        ("LI", _) => after(&["AG", "GmbH", "Anstalt"], &["AG"]),
        ("CH", "fr") => after(&["Sàrl", "Sàrl", "SA"], &["SA"]),
        ("CH", "it") => after(&["Sagl", "Sagl", "SA"], &["SA"]),
        ("CH", _) => after(&["GmbH", "GmbH", "AG"], &["AG"]),
        ("BE", "nl") => after(&["BV", "BV", "BV", "BV", "NV", "CommV"], &["NV"]),
        ("BE", _) => after(&["SRL", "SRL", "SRL", "SRL", "SA", "SComm"], &["SA"]),
        ("LU", _) => after(
            &["S.à r.l.", "S.à r.l.", "S.à r.l.", "S.A.", "SARL-S"],
            &["S.A."],
        ),
        ("FR", _) => after(
            &[
                "SAS", "SAS", "SAS", "SARL", "SARL", "SARL", "SASU", "SASU", "EURL", "SA",
            ],
            &["SA", "SAS", "SE"],
        ),
        ("IT", _) => after(
            &[
                "S.r.l.", "S.r.l.", "S.r.l.", "S.r.l.", "S.r.l.", "S.r.l.s.", "S.n.c.", "S.a.s.",
            ],
            &["S.p.A.", "S.r.l."],
        ),
        ("ES", _) => after(
            &[
                "S.L.", "S.L.", "S.L.", "S.L.", "S.L.", "S.L.", "S.L.U.", "S.A.", "S. Coop.",
            ],
            &["S.A.", "S.L."],
        ),
        ("PT", _) => LegalForms {
            small: &[
                "Lda.",
                "Lda.",
                "Lda.",
                "Lda.",
                "Unipessoal Lda.",
                "Unipessoal Lda.",
                "S.A.",
            ],
            large: &["S.A."],
            before_name: false,
            separator: ", ",
        },
        ("NL", _) => after(
            &["B.V.", "B.V.", "B.V.", "B.V.", "B.V.", "B.V.", "V.O.F."],
            &["N.V.", "B.V."],
        ),
        ("PL", _) => after(
            &[
                "Sp. z o.o.",
                "Sp. z o.o.",
                "Sp. z o.o.",
                "Sp. z o.o.",
                "Sp. z o.o.",
                "Sp.j.",
                "Sp.k.",
            ],
            &["S.A.", "Sp. z o.o."],
        ),
        ("CZ", _) => after(
            &[
                "s.r.o.", "s.r.o.", "s.r.o.", "s.r.o.", "s.r.o.", "a.s.", "v.o.s.",
            ],
            &["a.s."],
        ),
        ("SK", _) => after(
            &[
                "s.r.o.", "s.r.o.", "s.r.o.", "s.r.o.", "s.r.o.", "a.s.", "k.s.",
            ],
            &["a.s."],
        ),
        ("HU", _) => after(
            &["Kft.", "Kft.", "Kft.", "Kft.", "Bt.", "Zrt."],
            &["Zrt.", "Nyrt."],
        ),
        ("RO", _) => after(&["SRL", "SRL", "SRL", "SRL", "SRL", "SA"], &["SA"]),
        ("BG", _) => after(
            &["EOOD", "EOOD", "EOOD", "OOD", "OOD", "AD"],
            &["AD", "EAD"],
        ),
        ("GR", _) => after(&["IKE", "IKE", "IKE", "EPE", "OE", "AE"], &["AE"]),
        ("CY", _) => after(&["Ltd", "Ltd", "Ltd", "Ltd", "PLC"], &["PLC", "Ltd"]),
        ("HR", _) => after(
            &["d.o.o.", "d.o.o.", "d.o.o.", "d.o.o.", "j.d.o.o.", "d.d."],
            &["d.d."],
        ),
        ("SI", _) => after(&["d.o.o.", "d.o.o.", "d.o.o.", "d.o.o.", "d.d."], &["d.d."]),
        ("RS" | "ME", _) => after(&["d.o.o.", "d.o.o.", "d.o.o.", "d.o.o.", "a.d."], &["a.d."]),
        ("MK", _) => after(&["DOOEL", "DOOEL", "DOO", "DOO", "AD"], &["AD"]),
        ("AL", _) => after(
            &["sh.p.k.", "sh.p.k.", "sh.p.k.", "sh.p.k.", "sh.a."],
            &["sh.a."],
        ),
        ("TR", _) => after(
            &["Ltd. Şti.", "Ltd. Şti.", "Ltd. Şti.", "Ltd. Şti.", "A.Ş."],
            &["A.Ş."],
        ),
        ("DK", _) => after(&["ApS", "ApS", "ApS", "ApS", "ApS", "A/S", "I/S"], &["A/S"]),
        ("SE", _) | ("FI", "sv") => {
            after(&["AB", "AB", "AB", "AB", "AB", "HB"], &["AB (publ)", "AB"])
        }
        ("NO", _) => after(&["AS", "AS", "AS", "AS", "ANS"], &["ASA", "AS"]),
        ("FI", _) => after(&["Oy", "Oy", "Oy", "Oy", "Oy", "Ky"], &["Oyj", "Oy"]),
        ("EE", _) => after(&["OÜ", "OÜ", "OÜ", "OÜ", "OÜ", "AS"], &["AS"]),
        ("LV", _) => LegalForms {
            small: &["SIA", "SIA", "SIA", "SIA", "SIA", "AS"],
            large: &["AS"],
            before_name: true,
            separator: " ",
        },
        ("LT", _) => LegalForms {
            small: &["UAB", "UAB", "UAB", "UAB", "UAB", "MB"],
            large: &["AB"],
            before_name: true,
            separator: " ",
        },
        ("IS", _) => after(&["ehf.", "ehf.", "ehf.", "ehf.", "hf."], &["hf."]),
        ("IE", _) => after(
            &["Ltd", "Ltd", "Ltd", "Ltd", "Ltd", "DAC", "Teoranta"],
            &["PLC", "DAC"],
        ),
        ("MT", _) => after(&["Ltd", "Ltd", "Ltd", "Ltd", "p.l.c."], &["p.l.c."]),
        _ => after(&["Ltd", "Ltd", "Ltd", "Ltd", "Ltd", "LLP"], &["PLC", "Ltd"]),
    }
}

/// The domain suffix of websites in a country (`de`, `co.uk`).
pub(crate) fn web_domain_suffix(country: &str) -> &'static str {
    match country {
        "AL" => "al",
        "AT" => "at",
        "BE" => "be",
        "BG" => "bg",
        "CH" => "ch",
        "CY" => "com.cy",
        "CZ" => "cz",
        "DE" => "de",
        "DK" => "dk",
        "EE" => "ee",
        "ES" => "es",
        "FI" => "fi",
        "FR" => "fr",
        "GB" => "co.uk",
        "GR" => "gr",
        "HR" => "hr",
        "HU" => "hu",
        "IE" => "ie",
        "IS" => "is",
        "IT" => "it",
        "LI" => "li",
        "LT" => "lt",
        "LU" => "lu",
        "LV" => "lv",
        "ME" => "me",
        "MK" => "mk",
        "MT" => "com.mt",
        "NL" => "nl",
        "NO" => "no",
        "PL" => "pl",
        "PT" => "pt",
        "RO" => "ro",
        "RS" => "rs",
        "SE" => "se",
        "SI" => "si",
        "SK" => "sk",
        "TR" => "com.tr",
        _ => "eu",
    }
}

/// The cluster categories a country is known for (automotive in Germany, food in France, ICT in
/// Estonia); organisations there lean towards them.
pub(crate) fn national_strengths(country: &str) -> &'static [u8] {
    match country {
        "DE" => &[4, 40, 32, 11],
        "CZ" => &[4, 40, 12],
        "SK" => &[4, 27, 40],
        "FR" => &[18, 1, 22],
        "IT" => &[18, 3, 21, 40],
        "ES" => &[18, 22, 2],
        "PL" => &[18, 21, 45],
        "IE" => &[23, 5, 16],
        "EE" => &[23, 8, 51],
        "FI" => &[23, 51, 36],
        "NL" => &[45, 2, 11],
        "BE" => &[5, 11, 45],
        "AT" => &[40, 51, 22],
        "DK" => &[5, 14, 18],
        "SE" => &[4, 51, 23],
        "PT" => &[3, 19, 22],
        "GR" => &[22, 18, 50],
        "HU" => &[4, 5, 27],
        "RO" => &[4, 23, 3],
        "BG" => &[23, 3, 2],
        "HR" => &[22, 50, 18],
        "SI" => &[4, 27, 5],
        "LT" => &[45, 21, 23],
        "LV" => &[51, 45, 23],
        "CY" => &[22, 16, 50],
        "MT" => &[22, 16, 23],
        "LU" => &[16, 24, 45],
        "CH" => &[5, 16, 30],
        "NO" => &[35, 17, 50],
        "IS" => &[17, 14, 22],
        "GB" => &[16, 6, 1],
        "TR" => &[3, 42, 4],
        "RS" => &[18, 23, 4],
        "ME" => &[22, 14],
        "MK" => &[3, 18, 2],
        "AL" => &[22, 3, 2],
        "LI" => &[40, 16],
        _ => &[],
    }
}

/// Big seaports as (country, city name as GeoNames spells it). The NUTS-2 regions around them
/// specialise in water transportation and fishing, so maritime activity shows along the coasts.
pub(crate) const PORT_CITIES: &[(&str, &str)] = &[
    ("DE", "Hamburg"),
    ("DE", "Bremerhaven"),
    ("DE", "Kiel"),
    ("DE", "Rostock"),
    ("DE", "Lübeck"),
    ("DE", "Emden"),
    ("NL", "Rotterdam"),
    ("NL", "Amsterdam"),
    ("NL", "Vlissingen"),
    ("BE", "Antwerp"),
    ("BE", "Brugge"),
    ("BE", "Oostende"),
    ("FR", "Le Havre"),
    ("FR", "Marseille"),
    ("FR", "Dunkerque"),
    ("FR", "Saint-Nazaire"),
    ("FR", "Brest"),
    ("FR", "La Rochelle"),
    ("FR", "Toulon"),
    ("IT", "Genoa"),
    ("IT", "Trieste"),
    ("IT", "Naples"),
    ("IT", "Livorno"),
    ("IT", "La Spezia"),
    ("IT", "Venice"),
    ("IT", "Taranto"),
    ("IT", "Palermo"),
    ("IT", "Bari"),
    ("IT", "Ancona"),
    ("ES", "Barcelona"),
    ("ES", "Valencia"),
    ("ES", "Algeciras"),
    ("ES", "Bilbao"),
    ("ES", "Vigo"),
    ("ES", "Cádiz"),
    ("ES", "A Coruña"),
    ("ES", "Santander"),
    ("ES", "Las Palmas de Gran Canaria"),
    ("PT", "Lisbon"),
    ("PT", "Matosinhos"),
    ("PT", "Sines"),
    ("PT", "Setúbal"),
    ("PT", "Aveiro"),
    ("GR", "Piraeus"),
    ("GR", "Thessaloníki"),
    ("GR", "Pátra"),
    ("GR", "Irákleion"),
    ("PL", "Gdańsk"),
    ("PL", "Gdynia"),
    ("PL", "Szczecin"),
    ("LT", "Klaipėda"),
    ("LV", "Riga"),
    ("LV", "Ventspils"),
    ("EE", "Tallinn"),
    ("FI", "Helsinki"),
    ("FI", "Turku"),
    ("FI", "Kotka"),
    ("SE", "Gothenburg"),
    ("SE", "Malmö"),
    ("SE", "Stockholm"),
    ("DK", "Aarhus"),
    ("DK", "Århus"),
    ("DK", "Esbjerg"),
    ("DK", "Copenhagen"),
    ("NO", "Oslo"),
    ("NO", "Bergen"),
    ("NO", "Stavanger"),
    ("NO", "Trondheim"),
    ("NO", "Ålesund"),
    ("NO", "Tromsø"),
    ("GB", "Southampton"),
    ("GB", "Liverpool"),
    ("GB", "Felixstowe"),
    ("GB", "Aberdeen"),
    ("GB", "Plymouth"),
    ("GB", "Portsmouth"),
    ("GB", "Kingston upon Hull"),
    ("GB", "Belfast"),
    ("IE", "Cork"),
    ("IE", "Dublin"),
    ("MT", "Valletta"),
    ("MT", "Birkirkara"),
    ("CY", "Limassol"),
    ("CY", "Larnaca"),
    ("HR", "Rijeka"),
    ("HR", "Split"),
    ("HR", "Zadar"),
    ("SI", "Koper"),
    ("RO", "Constanţa"),
    ("BG", "Varna"),
    ("BG", "Burgas"),
    ("TR", "İzmir"),
    ("TR", "Mersin"),
    ("TR", "İskenderun"),
    ("TR", "Samsun"),
    ("TR", "Trabzon"),
    ("AL", "Durrës"),
    ("AL", "Vlorë"),
    ("ME", "Bar"),
    ("IS", "Reykjavík"),
];

/// Local names for cities that GeoNames spells in English, so that "Universität München" is not
/// written "Universität Munich". Cities missing here keep their GeoNames name, which is already
/// the local one for almost all of the 24,000 cities.
pub(crate) fn local_city_name(
    country: &str,
    name: &str,
    language: &Language,
) -> Option<&'static str> {
    let local = match (country, name) {
        ("DE", "Munich") => "München",
        ("DE", "Cologne") => "Köln",
        ("DE", "Nuremberg") => "Nürnberg",
        ("DE", "Hanover") => "Hannover",
        ("AT", "Vienna") => "Wien",
        ("IT", "Rome") => "Roma",
        ("IT", "Milan") => "Milano",
        ("IT", "Naples") => "Napoli",
        ("IT", "Turin") => "Torino",
        ("IT", "Florence") => "Firenze",
        ("IT", "Genoa") => "Genova",
        ("IT", "Venice") => "Venezia",
        ("IT", "Padua") => "Padova",
        ("IT", "Syracuse") => "Siracusa",
        ("IT", "Mantua") => "Mantova",
        ("PL", "Warsaw") => "Warszawa",
        ("CZ", "Prague") => "Praha",
        ("PT", "Lisbon") => "Lisboa",
        ("BE", "Antwerp") => "Antwerpen",
        ("BE", "Brussels") => {
            if language.code == "nl" {
                "Brussel"
            } else {
                "Bruxelles"
            }
        }
        ("BE", "Ghent") => "Gent",
        ("BE", "Bruges") => "Brugge",
        ("GR", "Athens") => "Athina",
        ("GR", "Thessaloníki") => "Thessaloniki",
        ("RO", "Bucharest") => "București",
        ("DK", "Copenhagen") => "København",
        ("SE", "Gothenburg") => "Göteborg",
        ("NL", "The Hague") => "Den Haag",
        ("RS", "Belgrade") => "Beograd",
        ("AL", "Tirana") => "Tiranë",
        ("TR", "Istanbul") => "İstanbul",
        ("HU", "Pest" | "Buda") => "Budapest",
        ("CY", "Nicosia") => "Lefkosia",
        ("CH", "Geneva") => "Genève",
        ("LU", "Luxembourg") => "Luxembourg",
        ("ES", "Seville") => "Sevilla",
        ("IE", "Droichead Nua") => "Newbridge",
        ("IE", "An Muileann gCearr") => "Mullingar",
        ("IE", "Cluain Meala") => "Clonmel",
        _ => return None,
    };
    Some(local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_country_has_a_flavour_and_legal_forms() {
        for country in SUPPORTED_COUNTRIES {
            assert!(!national_strengths(country).is_empty(), "{country}");
            let language = language_of(country, "");
            let forms = legal_forms(country, language);
            assert!(
                !forms.small.is_empty() && !forms.large.is_empty(),
                "{country}"
            );
            assert_ne!(web_domain_suffix(country), "eu", "{country}");
        }
        assert_eq!(language_of("BE", "BE211").code, "nl");
        assert_eq!(language_of("BE", "BE100").code, "fr");
        assert_eq!(language_of("CH", "CH070").code, "it");
        assert_eq!(language_of("CH", "CH013").code, "fr");
        assert_eq!(language_of("CH", "CH040").code, "de");
    }
}
