"""Write the NACE Rev. 2 mapping of the 51 traded cluster categories, and check it.

No published NACE Rev. 2 mapping of the US Cluster Mapping benchmark cluster definitions
(Delgado, Porter & Stern 2016, defined on 6-digit NAICS 2012 industries) could be obtained, so this
file derives one by hand, category by category: the NAICS industries that make up each US cluster
are matched to the NACE Rev. 2 classes, groups or divisions that describe the same activities.
Each entry carries its reasoning in a few words; data/README.md shows them as a table (printed by
this script with --markdown).

Rules followed:
  * the narrowest NACE level that matches as a whole (a group when all its classes belong, a
    division when all its groups do);
  * a NACE code belongs to one category only, so employment or organisations are never counted
    twice (checked below);
  * activities that the US benchmark treats as local (serving the local market: retail, most
    construction, health care, public administration) stay unmapped, except where European
    cluster organisations commonly work on them and the nearest category is obvious (restaurants
    with hospitality, waste and water with environmental services, banking with financial
    services, telecommunications carriers with communications); primary agriculture (01.1 to 01.5)
    is unmapped too: the US data (County Business Patterns) does not cover farms.

Input: data/reference/nace/nace2_en.csv (every code is checked against it) and
data/reference/clusters/traded_cluster_relatedness.json (the names, ids 1..51).
Output: data/reference/clusters/cluster_categories.csv with id,slug,name_en,name_fr,name_de,nace
(NACE codes separated by spaces).

Run from the repository root: python3 scripts/derive_cluster_categories.py [--markdown]
"""

import csv
import json
import os
import re
import sys

CLUSTERS_DIR = os.path.join("data", "reference", "clusters")

# id: (French name, German name, NACE codes, reasoning)
CATEGORIES = {
    1: ("Aéronautique, espace et défense", "Luft- und Raumfahrzeuge und Verteidigung",
        "25.40 30.30 30.40 33.16",
        "aircraft, engines, parts, space vehicles and missiles (NAICS 3364) = 30.30; military vehicles 30.40; "
        "small arms and ammunition (332992-4) = 25.40; aircraft overhaul 33.16"),
    2: ("Intrants et services agricoles", "Landwirtschaftliche Betriebsmittel und Dienstleistungen",
        "01.6 10.91 20.15 20.20 28.30 46.21 46.61",
        "fertilisers and pesticides (3253) = 20.15, 20.20; farm machinery (333111) = 28.30; crop and animal "
        "support services (115) = 01.6; animal feed 10.91; farm-supply wholesale 46.21, 46.61"),
    3: ("Habillement", "Bekleidung",
        "14 46.42",
        "apparel manufacturing (315) = division 14 (including fur and knitted apparel); apparel wholesale "
        "(4243) = 46.42"),
    4: ("Automobile", "Automobilindustrie",
        "22.11 29.10 29.31 29.32",
        "motor vehicles (3361) = 29.10; parts (3363), electrical parts included = 29.31, 29.32; tyres "
        "(32621) = 22.11; bodies and trailers go to category 44"),
    5: ("Produits biopharmaceutiques", "Biopharmazeutika",
        "21",
        "pharmaceuticals, biologicals and diagnostics substances (3254) = division 21"),
    6: ("Services aux entreprises", "Unternehmensdienstleistungen",
        "62 63.1 70.1 70.2 71.1 71.20 78.1 82.2 82.91",
        "computer services (5415) = 62; data processing and hosting (518) = 63.1; head offices (551114) = "
        "70.1; management consulting (5416) = 70.2; architecture and engineering (5413) = 71.1, testing "
        "71.20; placement agencies (56131) = 78.1; call centres 82.2; collection and credit bureaus 82.91"),
    7: ("Extraction de charbon", "Kohlebergbau",
        "05 19.10",
        "coal mining (2121) = division 05; coke ovens = 19.10"),
    8: ("Équipements et services de communication", "Kommunikationstechnik und -dienste",
        "26.30 27.31 61",
        "telephone, broadcast and wireless equipment (3342) = 26.30; fibre optic cables (335921) = 27.31; "
        "telecommunications services (517) = division 61 (carriers included, see rules)"),
    9: ("Produits et services de construction", "Bauprodukte und Baudienstleistungen",
        "23.5 23.6 28.92 42.2 42.9",
        "cement, lime, concrete products (3273-4) = 23.5, 23.6; construction and mining machinery "
        "(33312-3) = 28.92; pipeline, power-line and heavy construction (2371, 2379) = 42.2, 42.9"),
    10: ("Distribution et commerce électronique", "Großhandel und elektronischer Handel",
         "46.1 46.22 46.31 46.32 46.33 46.34 46.36 46.37 46.38 46.39 46.41 46.43 46.44 46.45 46.46 46.47 46.48 46.49 46.5 46.62 46.63 46.64 46.65 46.66 "
         "46.69 46.72 46.73 46.74 46.75 46.76 46.77 46.9 47.91",
         "merchant wholesalers and agents (423, 424, 425) = division 46 except the wholesale assigned to a "
         "product category (46.21, 46.23, 46.24, 46.35, 46.42, 46.61, 46.71); electronic shopping and mail "
         "order (4541) = 47.91"),
    11: ("Produits chimiques de transformation (aval)", "Chemische Erzeugnisse (nachgelagerte Stufe)",
         "20.3 20.4 20.5",
         "paints and coatings (3255) = 20.3, adhesives = 20.52; soaps, cleaning and toilet preparations "
         "(3256) = 20.4; other chemical products, explosives, inks (3259) = 20.5"),
    12: ("Produits métalliques (aval)", "Metallerzeugnisse (nachgelagerte Stufe)",
         "25.1 25.2 25.3 25.71 25.72 25.9",
         "structural and architectural metal (3323) = 25.1; boilers, tanks and containers (3324) = 25.2, "
         "25.3; cutlery and hardware (3322, 3325) = 25.71, 25.72; springs, wire, fasteners, valves and other "
         "fabricated metal (3326, 3329) = 25.9"),
    13: ("Éducation et création de connaissances", "Bildung und Wissensschaffung",
         "72 85.4 85.6",
         "colleges and universities (6113), technical schools (6115) = 85.4; research and development "
         "(5417) = division 72; educational support (6117) = 85.6"),
    14: ("Production et transport d'électricité", "Stromerzeugung und -übertragung",
         "35.1 35.3",
         "electric power generation, transmission and distribution (2211) = 35.1; steam and air "
         "conditioning supply = 35.3"),
    15: ("Services environnementaux", "Umweltdienstleistungen",
         "36 37 38 39",
         "waste treatment and remediation (562) = 38, 39; water collection and sewerage 36, 37 added "
         "(see rules)"),
    16: ("Services financiers", "Finanzdienstleistungen",
         "64 66.1 66.3",
         "securities, investment banking and portfolio management (523), credit intermediation (522) = "
         "division 64 and 66.1; fund management = 66.3"),
    17: ("Pêche et produits de la pêche", "Fischerei und Fischerzeugnisse",
         "03 10.2",
         "fishing (1141) and aquaculture = division 03; seafood preparation (3117) = 10.2"),
    18: ("Transformation et fabrication alimentaires", "Lebensmittelverarbeitung und -herstellung",
         "10.3 10.4 10.5 10.6 10.7 10.8 10.92 11",
         "food manufacturing (311) except meat (category 28), seafood (17) and farm feed (2) = 10.3 to "
         "10.8 and pet food 10.92; beverages (3121) = division 11"),
    19: ("Chaussure", "Schuhe",
         "15.20",
         "footwear (3162) = 15.20"),
    20: ("Sylviculture", "Forstwirtschaft",
         "02",
         "timber tracts, nurseries, logging and forestry support (113, 1153) = division 02"),
    21: ("Ameublement", "Möbel",
         "31",
         "household, office and institutional furniture (337) = division 31"),
    22: ("Hôtellerie et tourisme", "Gastgewerbe und Tourismus",
         "55 56 79 91.02 91.03 91.04 92 93.1 93.2",
         "hotels and resorts (7211) = 55; travel agencies and tour operators (5615) = 79; museums, "
         "historical sites, zoos (712) = 91.02-91.04; casinos (7132) = 92; amusement parks, spectator "
         "sports (7131, 7112) = 93.1, 93.2; restaurants 56 added (see rules)"),
    23: ("Technologies de l'information et instruments d'analyse",
         "Informationstechnik und Analyseinstrumente",
         "26.1 26.2 26.51 26.7 26.8 58.2",
         "computers (3341) = 26.2; semiconductors and components (3344) = 26.1; measuring, navigation "
         "and laboratory instruments (3345) = 26.51; optical instruments (333314) = 26.7; media 26.8; "
         "software publishers (5112) = 58.2"),
    24: ("Services d'assurance", "Versicherungsdienstleistungen",
         "65 66.2",
         "insurance carriers (5241) = division 65; agencies, brokerage and claims (5242) = 66.2"),
    25: ("Bijouterie et métaux précieux", "Schmuck und Edelmetalle",
         "24.41 32.1",
         "jewellery and silverware (33991) = 32.1; precious-metal refining (331410 in part) = 24.41"),
    26: ("Cuir et produits connexes", "Leder und Lederwaren",
         "15.1 46.24",
         "leather tanning and finishing (3161), luggage and handbags (3169) = 15.1; hides and leather "
         "wholesale = 46.24"),
    27: ("Éclairage et équipements électriques", "Beleuchtung und elektrische Ausrüstungen",
         "27.1 27.2 27.32 27.33 27.4 27.9",
         "motors, generators, transformers and switchgear (3353) = 27.1; batteries (33591) = 27.2; "
         "wiring and wiring devices (33592-3) = 27.32, 27.33; lighting (3351) = 27.4; other electrical "
         "equipment (33599) = 27.9"),
    28: ("Abattage et transformation de la viande", "Schlachtung und Fleischverarbeitung",
         "10.1 46.23",
         "animal slaughtering and meat processing (3116) = 10.1; live-animal wholesale = 46.23"),
    29: ("Marketing, design et édition", "Marketing, Design und Verlagswesen",
         "58.1 63.9 73 74.1",
         "newspaper, periodical and book publishers (5111) = 58.1; news syndicates and internet "
         "publishing (5191) = 63.9; advertising and market research (5418, 54191) = division 73; "
         "specialised design (5414) = 74.1"),
    30: ("Dispositifs médicaux", "Medizinprodukte",
         "26.6 32.5",
         "surgical, medical and dental instruments and supplies (3391) = 32.5; electromedical and "
         "irradiation apparatus (334510, 334517) = 26.6"),
    31: ("Extraction de minerais métalliques", "Erzbergbau",
         "07 09.90",
         "metal ore mining (2122) = division 07; support activities for mining (213114) = 09.90"),
    32: ("Technologies de travail des métaux", "Metallbearbeitungstechnik",
         "25.61 25.62 25.73 28.24 28.4",
         "machine tools, dies, cutting tools and welding (3335, 333992) = 28.4; hand and power-driven "
         "tools (332216, 333991) = 25.73, 28.24; machine shops and metal treatment (3327, 3328) = "
         "25.61, 25.62"),
    33: ("Musique et enregistrement sonore", "Musik und Tonaufnahmen",
         "32.2 59.2",
         "sound recording and music publishing (5122) = 59.2; musical instruments (339992) = 32.2"),
    34: ("Extraction de minéraux non métalliques", "Gewinnung nichtmetallischer Mineralien",
         "08",
         "stone, sand, gravel, clay and chemical minerals mining (2123) = division 08"),
    35: ("Production et transport de pétrole et de gaz", "Öl- und Gasförderung und -transport",
         "06 09.10 19.20 35.2 46.71 49.50",
         "oil and gas extraction (211) = 06; drilling and support (213111-2) = 09.10; refineries "
         "(32411) = 19.20; pipelines (486) = 49.50; gas supply 35.2; petroleum wholesale (4247) = 46.71"),
    36: ("Papier et emballage", "Papier und Verpackung",
         "17",
         "pulp, paper, paperboard and converted paper products and containers (322) = division 17"),
    37: ("Arts du spectacle", "Darstellende Künste",
         "90",
         "performing arts companies, promoters, agents and independent artists (7111, 7113-5) = "
         "division 90"),
    38: ("Matières plastiques", "Kunststoffe",
         "20.16 20.17 22.2 28.96",
         "plastics materials, resins and synthetic rubber (3252) = 20.16, 20.17; plastics products "
         "(3261) = 22.2; plastics and rubber machinery = 28.96"),
    39: ("Services d'impression", "Druckdienstleistungen",
         "18",
         "printing and support activities, reproduction of recorded media (323, 33461) = division 18"),
    40: ("Technologies de production et machines lourdes", "Produktionstechnik und Schwermaschinen",
         "28.11 28.12 28.13 28.14 28.15 28.21 28.22 28.23 28.25 28.29 28.91 28.93 28.94 28.95 28.99 30.20 "
         "33.12",
         "engines, turbines and power transmission (3336), pumps, compressors, handling and other "
         "general-purpose machinery (3339), HVAC (3334), industrial machinery (3332) = 28.1, 28.2, 28.9 "
         "except the machinery of other categories; railway rolling stock (3365) = 30.20; machinery "
         "repair = 33.12"),
    41: ("Articles de loisirs et petits appareils électriques",
         "Freizeitartikel und elektrische Kleingeräte",
         "26.4 26.52 30.91 30.92 32.3 32.4 32.9",
         "audio and video equipment (3343) = 26.4; watches and clocks = 26.52; motorcycles and bicycles "
         "(336991) = 30.91, 30.92; sporting goods, toys and games, office supplies, signs (3399) = 32.3, "
         "32.4, 32.9"),
    42: ("Fabrication textile", "Textilherstellung",
         "13 20.60",
         "textile mills and textile product mills (313, 314) = division 13; man-made fibres (32522) = "
         "20.60"),
    43: ("Tabac", "Tabak",
         "12 46.35",
         "tobacco manufacturing (3122) = division 12; tobacco wholesale = 46.35"),
    44: ("Remorques, camping-cars et appareils ménagers", "Anhänger, Wohnmobile und Haushaltsgeräte",
         "27.5 29.20",
         "motor vehicle bodies, trailers and motor homes (3362) = 29.20; household appliances (3352) = "
         "27.5"),
    45: ("Transport et logistique", "Transport und Logistik",
         "49.1 49.2 49.41 51 52.1 52.21 52.23 52.24 52.29 53",
         "air transport (481) = 51; rail (482) = 49.1, 49.2; long-distance trucking (4841) = 49.41; "
         "freight arrangement, terminals and warehousing (4885, 493, 488) = 52 except water; couriers "
         "(492) = 53"),
    46: ("Produits chimiques de base (amont)", "Chemische Grundstoffe (vorgelagerte Stufe)",
         "20.11 20.12 20.13 20.14",
         "basic chemicals: industrial gases, dyes and pigments, inorganic and organic chemicals (3251) = "
         "20.11 to 20.14"),
    47: ("Métallurgie de base (amont)", "Metallerzeugung (vorgelagerte Stufe)",
         "24.1 24.2 24.3 24.42 24.43 24.44 24.45 24.46 24.5 25.5",
         "iron and steel mills and steel products (3311-2) = 24.1 to 24.3; aluminium and non-ferrous "
         "metals (3313-4) = 24.42 to 24.46; foundries (3315) = 24.5; forging and stamping (3321) = 25.5"),
    48: ("Production et distribution vidéo", "Videoproduktion und -vertrieb",
         "59.1 60",
         "motion picture and video production and distribution (5121) = 59.1; radio, television and "
         "cable programming (515) = division 60"),
    49: ("Matériaux vulcanisés et cuits", "Vulkanisierte und gebrannte Werkstoffe",
         "22.19 23.1 23.2 23.3 23.4 23.7 23.9",
         "rubber products other than tyres (3262) = 22.19; glass (3272) = 23.1; clay, ceramics and "
         "refractories (3271) = 23.2 to 23.4; cut stone, abrasives and mineral wool (3279) = 23.7, 23.9"),
    50: ("Transport par voie d'eau", "Schifffahrt",
         "30.1 33.15 50 52.22",
         "deep sea, coastal and inland water transport (483) = division 50; port and water transport "
         "services (4883) = 52.22; ship and boat building (3366) = 30.1; ship repair = 33.15"),
    51: ("Produits du bois", "Holzprodukte",
         "16",
         "sawmills, veneer, engineered wood, millwork and prefabricated wood buildings (321) = "
         "division 16"),
}


def slug(name):
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def main():
    with open(os.path.join("data", "reference", "nace", "nace2_en.csv"), encoding="utf-8") as handle:
        nace = {row["nace2"]: row["NAME"] for row in csv.DictReader(handle)}
    with open(os.path.join(CLUSTERS_DIR, "traded_cluster_relatedness.json"), encoding="utf-8") as handle:
        names = {}
        for record in json.load(handle):
            names[int(record["clustera"])] = record["cluster_name"]
    assert sorted(names) == sorted(CATEGORIES) == list(range(1, 52))

    owner = {}
    for category_id, (_, _, codes, _) in CATEGORIES.items():
        for code in codes.split():
            assert code in nace, f"category {category_id}: {code} is not a NACE Rev. 2 code"
            assert not code.isalpha(), f"category {category_id}: {code} is a whole section"
            for other, other_id in owner.items():
                overlaps = code.startswith(other) or other.startswith(code)
                assert not overlaps, f"{code} (category {category_id}) overlaps {other} (category {other_id})"
            owner[code] = category_id

    path = os.path.join(CLUSTERS_DIR, "cluster_categories.csv")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "slug", "name_en", "name_fr", "name_de", "nace"])
        for category_id in sorted(CATEGORIES):
            name_fr, name_de, codes, _ = CATEGORIES[category_id]
            writer.writerow([category_id, slug(names[category_id]), names[category_id], name_fr, name_de, codes])

    classes = [code for code in nace if len(code) == 5]
    covered = [code for code in classes if any(code.startswith(prefix) for prefix in owner)]
    print(f"{path}: 51 categories, {len(owner)} NACE codes, {len(covered)} of {len(classes)} classes covered")

    if "--markdown" in sys.argv:
        print()
        print("| id | category | NACE Rev. 2 | reasoning (US benchmark NAICS → NACE) |")
        print("|---|---|---|---|")
        for category_id in sorted(CATEGORIES):
            _, _, codes, reasoning = CATEGORIES[category_id]
            print(f"| {category_id} | {names[category_id]} | {codes.replace(' ', ', ')} | {reasoning} |")


if __name__ == "__main__":
    main()
