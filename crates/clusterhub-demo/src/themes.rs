//! Sector themes: 23 broad families of the 51 cluster categories, each with the English phrases
//! that partnering profiles use (what an organisation of that family offers and looks for) and the
//! keywords that pick plausible technology fields, S3 areas and emerging industries.
//!
//! The families exist because names and texts need words in every language, and 51 words in 28
//! languages would be more vocabulary than realism needs: "Maschinenbau" serves the categories
//! Metalworking Technology, Production Technology and Upstream Metal Manufacturing alike.

/// The number of themes.
pub(crate) const THEME_COUNT: usize = 23;

/// A family of cluster categories, used as an index into the per-theme word tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Theme(pub(crate) u8);

pub(crate) const AEROSPACE: Theme = Theme(0);
pub(crate) const AGRICULTURE: Theme = Theme(1);
pub(crate) const FASHION: Theme = Theme(2);
pub(crate) const AUTOMOTIVE: Theme = Theme(3);
pub(crate) const PHARMA: Theme = Theme(4);
pub(crate) const BUSINESS_SERVICES: Theme = Theme(5);
pub(crate) const MINING: Theme = Theme(6);
pub(crate) const DIGITAL: Theme = Theme(7);
pub(crate) const CONSTRUCTION: Theme = Theme(8);
pub(crate) const LOGISTICS: Theme = Theme(9);
pub(crate) const CHEMICALS: Theme = Theme(10);
pub(crate) const MACHINERY: Theme = Theme(11);
pub(crate) const EDUCATION: Theme = Theme(12);
pub(crate) const ENERGY: Theme = Theme(13);
pub(crate) const ENVIRONMENT: Theme = Theme(14);
pub(crate) const FOOD: Theme = Theme(15);
pub(crate) const WOOD: Theme = Theme(16);
pub(crate) const TOURISM: Theme = Theme(17);
pub(crate) const CREATIVE: Theme = Theme(18);
pub(crate) const ELECTRONICS: Theme = Theme(19);
pub(crate) const MEDICAL: Theme = Theme(20);
pub(crate) const MARITIME: Theme = Theme(21);
pub(crate) const FINANCE: Theme = Theme(22);

impl Theme {
    pub(crate) fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The theme of a cluster category (1 to 51, the US Cluster Mapping numbering).
    pub(crate) fn of_category(category: u8) -> Theme {
        match category {
            1 => AEROSPACE,
            2 => AGRICULTURE,
            3 | 19 | 25 | 26 | 42 => FASHION,
            4 | 44 => AUTOMOTIVE,
            5 => PHARMA,
            6 => BUSINESS_SERVICES,
            7 | 31 | 34 => MINING,
            8 | 23 => DIGITAL,
            9 | 49 => CONSTRUCTION,
            10 | 45 => LOGISTICS,
            11 | 38 | 46 => CHEMICALS,
            12 | 32 | 40 | 47 => MACHINERY,
            13 => EDUCATION,
            14 | 35 => ENERGY,
            15 => ENVIRONMENT,
            18 | 28 | 43 => FOOD,
            20 | 21 | 36 | 51 => WOOD,
            22 => TOURISM,
            29 | 33 | 37 | 39 | 48 => CREATIVE,
            27 | 41 => ELECTRONICS,
            30 => MEDICAL,
            17 | 50 => MARITIME,
            16 | 24 => FINANCE,
            _ => BUSINESS_SERVICES,
        }
    }

    /// The English words of the theme.
    pub(crate) fn english(self) -> &'static ThemeEnglish {
        &ENGLISH[self.index()]
    }
}

/// English phrases of one theme.
pub(crate) struct ThemeEnglish {
    /// A short tag used in strategic-partnership names ("Auto", "Blue").
    pub(crate) short: &'static str,
    /// What an organisation of the theme can provide, as noun phrases that complete "We offer …".
    pub(crate) capabilities: &'static [&'static str],
    /// What it looks for, as noun phrases that complete "We are looking for …".
    pub(crate) needs: &'static [&'static str],
    /// Lower-case keywords; a technology field, S3 area or emerging industry whose English label or
    /// description contains one of them fits the theme.
    pub(crate) keywords: &'static [&'static str],
}

const ENGLISH: [ThemeEnglish; THEME_COUNT] = [
    ThemeEnglish {
        short: "Aero",
        capabilities: &[
            "machining and testing of certified aerostructure components",
            "composite parts for aircraft interiors",
            "EN 9100-certified precision manufacturing",
            "maintenance, repair and overhaul services for regional aircraft",
            "design and integration of UAV subsystems",
            "processing of satellite data for earth observation",
        ],
        needs: &[
            "tier-1 suppliers that need qualified subcontractors",
            "partners for space downstream applications",
            "access to test facilities for drone certification",
            "composite material suppliers with aerospace qualification",
        ],
        keywords: &[
            "aero",
            "space",
            "drone",
            "satellite",
            "mobility",
            "advanced materials",
            "photonics",
        ],
    },
    ThemeEnglish {
        short: "Agri",
        capabilities: &[
            "precision-farming services based on drone and soil data",
            "seed breeding and varietal testing",
            "organic fertiliser production",
            "agronomic advice for farm cooperatives",
            "greenhouse climate-control systems",
            "farm-management software",
        ],
        needs: &[
            "farms willing to pilot new sensing equipment",
            "buyers of certified organic produce",
            "partners in agritech and bioeconomy projects",
            "processors of agricultural residues",
        ],
        keywords: &["agri", "farm", "bio", "food", "sensor", "drone"],
    },
    ThemeEnglish {
        short: "Fashion",
        capabilities: &[
            "small-batch garment production",
            "technical textiles for protective clothing",
            "sustainable leather tanning",
            "pattern making and prototyping for fashion brands",
            "yarns from recycled fibres",
            "footwear design and production",
        ],
        needs: &[
            "fashion brands seeking near-shore production",
            "suppliers of recycled and bio-based fibres",
            "partners for digital product passports in textiles",
            "retailers in new export markets",
        ],
        keywords: &[
            "textile",
            "fashion",
            "creative",
            "advanced materials",
            "circular",
            "design",
        ],
    },
    ThemeEnglish {
        short: "Auto",
        capabilities: &[
            "injection-moulded interior parts for passenger cars",
            "testing and validation of battery modules",
            "embedded software for vehicle electronics",
            "stamping tools for body-in-white parts",
            "conversion of light commercial vehicles to electric drive",
            "wire-harness assembly",
        ],
        needs: &[
            "OEMs and tier-1 suppliers moving to electric drivetrains",
            "partners for lightweight-material research",
            "suppliers of battery cells and power electronics",
            "test partners for connected and automated driving",
        ],
        keywords: &[
            "mobility",
            "vehicle",
            "battery",
            "automotive",
            "robot",
            "advanced manufacturing",
        ],
    },
    ThemeEnglish {
        short: "Pharma",
        capabilities: &[
            "contract development of biologics",
            "GMP-compliant fill and finish",
            "preclinical in-vitro assays",
            "scale-up of fermentation from laboratory to pilot",
            "regulatory dossiers for EMA submissions",
            "cell-line development",
        ],
        needs: &[
            "licensing partners for a preclinical candidate",
            "CDMOs with sterile manufacturing capacity",
            "clinical sites for a phase II study",
            "investors in life-science start-ups",
        ],
        keywords: &["bio", "health", "pharma", "life science", "medical", "nano"],
    },
    ThemeEnglish {
        short: "BizServ",
        capabilities: &[
            "market-entry consulting",
            "grant writing and support with EU funding",
            "recruitment of technical profiles",
            "legal advice on intellectual property and licensing",
            "digital marketing campaigns for B2B clients",
            "business-plan coaching",
        ],
        needs: &[
            "SMEs preparing to enter new markets",
            "partners for joint service offers across borders",
            "clusters that want to outsource internationalisation services",
            "technology companies needing go-to-market support",
        ],
        keywords: &["digital", "creative", "service", "experience", "data"],
    },
    ThemeEnglish {
        short: "Mining",
        capabilities: &[
            "geological surveys and drilling",
            "recovery of critical raw materials from tailings",
            "processing of industrial minerals",
            "maintenance of quarry equipment",
            "environmental monitoring of extraction sites",
            "aggregates for construction",
        ],
        needs: &[
            "partners for critical-raw-material recovery pilots",
            "buyers of secondary raw materials",
            "sensor and automation suppliers for mines",
            "research partners in mineral processing",
        ],
        keywords: &[
            "raw material",
            "mining",
            "mineral",
            "material",
            "circular",
            "sensor",
        ],
    },
    ThemeEnglish {
        short: "Digital",
        capabilities: &[
            "custom software development",
            "cloud migration and DevOps services",
            "cybersecurity audits",
            "data analytics with machine learning",
            "IoT platforms for industrial monitoring",
            "mobile app development",
        ],
        needs: &[
            "manufacturers ready to pilot AI-based quality control",
            "resellers and integrators in other EU countries",
            "domain experts for data-driven products",
            "partners for a Digital Europe consortium",
        ],
        keywords: &[
            "artificial intelligence",
            "data",
            "cloud",
            "cyber",
            "internet of things",
            "digital",
            "software",
            "micro",
            "blockchain",
        ],
    },
    ThemeEnglish {
        short: "Build",
        capabilities: &[
            "energy-efficient renovation of buildings",
            "prefabricated timber-frame housing",
            "BIM modelling and coordination",
            "low-carbon concrete products",
            "civil-engineering works for municipalities",
            "façade and insulation systems",
        ],
        needs: &[
            "suppliers of bio-based insulation materials",
            "municipalities planning deep renovation programmes",
            "partners for circular construction pilots",
            "digital-twin providers for buildings",
        ],
        keywords: &[
            "construction",
            "building",
            "material",
            "energy",
            "circular",
            "environment",
        ],
    },
    ThemeEnglish {
        short: "Logistics",
        capabilities: &[
            "temperature-controlled road transport",
            "warehousing and fulfilment for e-commerce",
            "last-mile delivery with electric vans",
            "customs brokerage",
            "intermodal rail and road freight",
            "fleet-management software",
        ],
        needs: &[
            "shippers interested in rail freight corridors",
            "partners for zero-emission urban logistics pilots",
            "warehouse-automation suppliers",
            "logistics partners in neighbouring countries",
        ],
        keywords: &["logistic", "mobility", "transport", "robot", "data"],
    },
    ThemeEnglish {
        short: "Chem",
        capabilities: &[
            "custom synthesis of speciality chemicals",
            "bio-based polymers",
            "recycled plastic granulates",
            "formulation of coatings and adhesives",
            "analytical laboratory services",
            "plastic injection moulding",
        ],
        needs: &[
            "feedstock suppliers for bio-based chemistry",
            "brand owners that want recycled packaging materials",
            "pilot plants for scale-up",
            "partners in a chemical recycling project",
        ],
        keywords: &["chemi", "material", "bio", "circular", "nano", "plastic"],
    },
    ThemeEnglish {
        short: "Manufacturing",
        capabilities: &[
            "CNC machining of steel and aluminium parts",
            "design and construction of special-purpose machines",
            "integration of industrial robots",
            "laser cutting and welding",
            "hydraulic systems",
            "additive manufacturing of metal parts",
        ],
        needs: &[
            "machine builders that need subcontracting capacity",
            "partners for a digital-twin demonstrator",
            "suppliers of sensors for predictive maintenance",
            "distributors for our machines abroad",
        ],
        keywords: &[
            "manufacturing",
            "robot",
            "machine",
            "industr",
            "material",
            "sensor",
            "additive",
        ],
    },
    ThemeEnglish {
        short: "Skills",
        capabilities: &[
            "vocational training in advanced manufacturing",
            "e-learning platforms",
            "executive education for SME managers",
            "digital-skills bootcamps",
            "curriculum design with industry partners",
            "apprenticeship programmes",
        ],
        needs: &[
            "companies offering work-based learning places",
            "training partners for an Erasmus+ project",
            "experts to co-design short courses",
            "regions investing in reskilling",
        ],
        keywords: &["skill", "education", "digital", "experience", "creative"],
    },
    ThemeEnglish {
        short: "Energy",
        capabilities: &[
            "design and installation of photovoltaic systems",
            "energy audits for industrial sites",
            "integration of heat pumps",
            "battery storage solutions",
            "components for hydrogen electrolysers",
            "smart-grid software",
        ],
        needs: &[
            "industrial sites for a renewable-hydrogen pilot",
            "grid operators testing flexibility services",
            "installers to distribute our storage systems",
            "investors in energy-community projects",
        ],
        keywords: &[
            "energy",
            "hydrogen",
            "renewable",
            "battery",
            "grid",
            "low carbon",
            "clean",
        ],
    },
    ThemeEnglish {
        short: "Green",
        capabilities: &[
            "wastewater treatment solutions",
            "recycling of construction and demolition waste",
            "air-quality monitoring",
            "environmental impact assessments",
            "soil remediation",
            "circular-economy consulting",
        ],
        needs: &[
            "municipalities that want to pilot water-reuse systems",
            "industrial partners with recyclable waste streams",
            "research partners for pollutant sensors",
            "buyers of recycled materials",
        ],
        keywords: &[
            "environment",
            "circular",
            "water",
            "waste",
            "clean",
            "climate",
        ],
    },
    ThemeEnglish {
        short: "Food",
        capabilities: &[
            "contract food processing",
            "organic dairy products",
            "shelf-life testing and food-safety audits",
            "craft beverages",
            "plant-based protein ingredients",
            "packing lines for fresh produce",
        ],
        needs: &[
            "distributors in new export markets",
            "suppliers of sustainable packaging",
            "partners to develop functional foods",
            "retail chains interested in regional products",
        ],
        keywords: &["food", "agri", "bio", "nutrition", "packaging"],
    },
    ThemeEnglish {
        short: "Wood",
        capabilities: &[
            "engineered wood products",
            "custom furniture production",
            "sustainable forest management",
            "paper-based packaging",
            "timber drying and processing",
            "wooden interior fittings",
        ],
        needs: &[
            "architects specifying timber construction",
            "furniture retailers in other countries",
            "partners to valorise wood residues",
            "suppliers of bio-based adhesives",
        ],
        keywords: &[
            "wood",
            "bio",
            "material",
            "construction",
            "circular",
            "forest",
        ],
    },
    ThemeEnglish {
        short: "Tourism",
        capabilities: &[
            "sustainable tourism packages",
            "event and conference management",
            "hotel management services",
            "booking solutions for small accommodation providers",
            "cultural-heritage tours",
            "wellness tourism",
        ],
        needs: &[
            "tour operators in source markets",
            "partners for a cross-border cultural route",
            "digital-marketing agencies specialised in travel",
            "local producers for experience packages",
        ],
        keywords: &["experience", "tourism", "creative", "digital", "cultural"],
    },
    ThemeEnglish {
        short: "Creative",
        capabilities: &[
            "video production and post-production",
            "graphic design and branding",
            "content marketing",
            "printing and publishing services",
            "sound design and recording",
            "immersive VR and AR experiences",
        ],
        needs: &[
            "industrial companies needing design-led innovation",
            "co-producers for international projects",
            "technology partners in immersive media",
            "distributors for digital content",
        ],
        keywords: &["creative", "experience", "digital", "media", "design"],
    },
    ThemeEnglish {
        short: "Electronics",
        capabilities: &[
            "PCB design and assembly",
            "LED lighting systems",
            "sensor development",
            "power electronics",
            "electrical cabinet manufacturing",
            "testing of consumer electronics",
        ],
        needs: &[
            "chip and component suppliers in Europe",
            "OEMs integrating smart sensors",
            "partners for a photonics pilot line",
            "distributors of lighting products",
        ],
        keywords: &[
            "micro",
            "nano",
            "electronic",
            "photonic",
            "sensor",
            "semiconductor",
            "internet of things",
        ],
    },
    ThemeEnglish {
        short: "MedTech",
        capabilities: &[
            "prototyping of medical devices",
            "ISO 13485-compliant manufacturing",
            "support with clinical evaluation",
            "digital health applications",
            "orthopaedic implants",
            "diagnostic test kits",
        ],
        needs: &[
            "hospitals willing to test new devices",
            "notified-body consultants for MDR certification",
            "distributors of medical devices",
            "partners in personalised medicine",
        ],
        keywords: &["medical", "health", "bio", "life science", "sensor", "nano"],
    },
    ThemeEnglish {
        short: "Blue",
        capabilities: &[
            "ship repair and retrofitting",
            "support for offshore wind installation",
            "aquaculture equipment",
            "port logistics services",
            "marine engineering design",
            "sustainable fish processing",
        ],
        needs: &[
            "ports interested in shore-power pilots",
            "partners for blue-economy projects",
            "suppliers of low-emission marine engines",
            "buyers of sustainably farmed seafood",
        ],
        keywords: &[
            "blue", "marine", "maritime", "ocean", "sea", "water", "energy",
        ],
    },
    ThemeEnglish {
        short: "FinTech",
        capabilities: &[
            "seed and early-stage financing",
            "accounting and tax advice",
            "insurance for SMEs",
            "integration of payment services",
            "crowdfunding campaigns",
            "advice on export credit",
        ],
        needs: &[
            "start-ups with a validated product",
            "banks open to co-operation with fintechs",
            "regulatory-technology partners",
            "co-investors for growth rounds",
        ],
        keywords: &["fintech", "blockchain", "digital", "data", "financ"],
    },
];

/// Needs any organisation may have, whatever its theme; `{country}` is a target country's name.
pub(crate) const COMMON_NEEDS: &[&str] = &[
    "partners for a Horizon Europe consortium",
    "distributors in {country}",
    "a technology partner for joint product development",
    "investors for the next growth stage",
    "pilot customers for a new product line",
    "companies interested in a joint trade mission to {country}",
    "research partners for testing and validation",
    "engineers and students through exchange programmes",
    "clusters in {country} for a ClusterXchange visit",
    "partners for an Interreg project",
];

/// Who an organisation serves, completing "… for …".
pub(crate) const CUSTOMER_SEGMENTS: &[&str] = &[
    "SMEs and large manufacturers",
    "public buyers",
    "research projects",
    "customers across Europe",
    "OEMs and their suppliers",
    "start-ups and scale-ups",
    "regional industry",
    "international clients",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_theme_and_every_theme_a_category() {
        let mut used = [false; THEME_COUNT];
        for category in 1..=51 {
            used[Theme::of_category(category).index()] = true;
        }
        assert!(used.iter().all(|used| *used));
    }

    #[test]
    fn every_theme_has_enough_phrases() {
        for english in &ENGLISH {
            assert!(english.capabilities.len() >= 4, "{}", english.short);
            assert!(english.needs.len() >= 3, "{}", english.short);
            assert!(!english.keywords.is_empty(), "{}", english.short);
        }
    }
}
