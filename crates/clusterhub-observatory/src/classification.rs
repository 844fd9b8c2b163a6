//! Sector classifications with their hierarchy: which sectors form the disjoint partition used
//! for totals, and which are sub-groups of a partition member or aggregates of several.

use std::collections::HashMap;

use serde::Serialize;

/// One sector of a classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sector {
    /// The code, e.g. `B-E`, `C`, or a cluster category's id.
    pub code: String,
    /// An English label.
    pub label: String,
    /// The sector this one is part of, if any.
    pub parent: Option<String>,
    /// Whether the sector belongs to the disjoint set used to add sectors up.
    pub in_partition: bool,
}

/// How a sector relates to the partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SectorRole {
    /// A member of the partition.
    Partition,
    /// Part of the partition member at this index (e.g. `C` inside `B-E`).
    SubGroup(usize),
    /// The union of the partition members at these indices (e.g. `G-J` = `G-I` + `J`).
    Aggregate(Vec<usize>),
}

/// A sector classification whose partition members never overlap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    name: String,
    sectors: Vec<Sector>,
    roles: Vec<SectorRole>,
    /// Whether the partition covers the whole economy, so that its sum is the region's total.
    exhaustive: bool,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

/// Why a classification is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassificationError {
    #[error("sector {0} appears twice")]
    Duplicate(String),
    #[error("sector {sector}: its parent {parent} is not in the classification")]
    UnknownParent { sector: String, parent: String },
    #[error("sectors {0} and {1} are both in the partition, but one is part of the other")]
    Overlap(String, String),
    #[error("sector {0} is neither in the partition, nor inside a member, nor above any member")]
    Unplaced(String),
    #[error("the parents of sector {0} form a cycle")]
    Cycle(String),
}

impl Classification {
    /// Builds a classification and works out each sector's role. `exhaustive` says whether the
    /// partition covers every activity (true for NACE A*10, false for the 51 cluster categories,
    /// which leave local activities out).
    pub fn new(
        name: &str,
        sectors: Vec<Sector>,
        exhaustive: bool,
    ) -> Result<Classification, ClassificationError> {
        let mut index = HashMap::with_capacity(sectors.len());
        for (position, sector) in sectors.iter().enumerate() {
            if index.insert(sector.code.clone(), position).is_some() {
                return Err(ClassificationError::Duplicate(sector.code.clone()));
            }
        }
        let mut parent_of = Vec::with_capacity(sectors.len());
        for sector in &sectors {
            parent_of.push(match &sector.parent {
                None => None,
                Some(parent) => {
                    Some(
                        *index
                            .get(parent)
                            .ok_or_else(|| ClassificationError::UnknownParent {
                                sector: sector.code.clone(),
                                parent: parent.clone(),
                            })?,
                    )
                }
            });
        }
        // The ancestors of each sector, nearest first.
        let ancestors = |start: usize| -> Result<Vec<usize>, ClassificationError> {
            let mut found = Vec::new();
            let mut current = parent_of[start];
            while let Some(parent) = current {
                if parent == start || found.contains(&parent) {
                    return Err(ClassificationError::Cycle(sectors[start].code.clone()));
                }
                found.push(parent);
                current = parent_of[parent];
            }
            Ok(found)
        };
        let mut all_ancestors = Vec::with_capacity(sectors.len());
        for position in 0..sectors.len() {
            all_ancestors.push(ancestors(position)?);
        }
        for (position, sector) in sectors.iter().enumerate() {
            if !sector.in_partition {
                continue;
            }
            if let Some(&above) = all_ancestors[position]
                .iter()
                .find(|&&ancestor| sectors[ancestor].in_partition)
            {
                return Err(ClassificationError::Overlap(
                    sectors[above].code.clone(),
                    sector.code.clone(),
                ));
            }
        }
        let mut roles = Vec::with_capacity(sectors.len());
        for (position, sector) in sectors.iter().enumerate() {
            let role = if sector.in_partition {
                SectorRole::Partition
            } else if let Some(&member) = all_ancestors[position]
                .iter()
                .find(|&&ancestor| sectors[ancestor].in_partition)
            {
                SectorRole::SubGroup(member)
            } else {
                let members: Vec<usize> = (0..sectors.len())
                    .filter(|&other| {
                        sectors[other].in_partition && all_ancestors[other].contains(&position)
                    })
                    .collect();
                if members.is_empty() {
                    return Err(ClassificationError::Unplaced(sector.code.clone()));
                }
                SectorRole::Aggregate(members)
            };
            roles.push(role);
        }
        Ok(Classification {
            name: name.to_owned(),
            sectors,
            roles,
            exhaustive,
            index,
        })
    }

    /// A classification with no hierarchy: every sector in the partition (the 51 cluster
    /// categories). `exhaustive` as in [`Classification::new`].
    pub fn flat(
        name: &str,
        sectors: &[(&str, &str)],
        exhaustive: bool,
    ) -> Result<Classification, ClassificationError> {
        let sectors = sectors
            .iter()
            .map(|(code, label)| Sector {
                code: (*code).to_owned(),
                label: (*label).to_owned(),
                parent: None,
                in_partition: true,
            })
            .collect();
        Classification::new(name, sectors, exhaustive)
    }

    /// NACE Rev. 2 at the A*10 level with the sub-group and aggregates Eurostat publishes beside
    /// it. The partition is the ten A*10 groups A, B-E, F, G-I, J, K, L, M-N, O-Q, R-U (together
    /// the whole economy); C (manufacturing) is a sub-group of B-E; G-J, K-N and O-U are
    /// aggregates of G-I + J, K + L + M-N and O-Q + R-U.
    pub fn nace_a10() -> Classification {
        const SECTORS: [(&str, &str, Option<&str>, bool); 14] = [
            ("A", "Agriculture, forestry and fishing", None, true),
            ("B-E", "Industry (except construction)", None, true),
            ("C", "Manufacturing", Some("B-E"), false),
            ("F", "Construction", None, true),
            (
                "G-J",
                "Trade, transport, accommodation and food services, information and communication",
                None,
                false,
            ),
            (
                "G-I",
                "Wholesale and retail trade, transport, accommodation and food service activities",
                Some("G-J"),
                true,
            ),
            ("J", "Information and communication", Some("G-J"), true),
            (
                "K-N",
                "Financial, real estate, professional, scientific, technical, administrative and support services",
                None,
                false,
            ),
            ("K", "Financial and insurance activities", Some("K-N"), true),
            ("L", "Real estate activities", Some("K-N"), true),
            (
                "M-N",
                "Professional, scientific, technical, administrative and support service activities",
                Some("K-N"),
                true,
            ),
            (
                "O-U",
                "Public administration, education, health, arts, other services and households",
                None,
                false,
            ),
            (
                "O-Q",
                "Public administration, defence, education, human health and social work activities",
                Some("O-U"),
                true,
            ),
            (
                "R-U",
                "Arts, entertainment and recreation; other service activities; activities of household and extra-territorial organizations and bodies",
                Some("O-U"),
                true,
            ),
        ];
        let sectors = SECTORS
            .iter()
            .map(|(code, label, parent, in_partition)| Sector {
                code: (*code).to_owned(),
                label: (*label).to_owned(),
                parent: parent.map(str::to_owned),
                in_partition: *in_partition,
            })
            .collect();
        Classification::new("NACE Rev. 2 A*10", sectors, true)
            .expect("the A*10 classification is consistent")
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn sectors(&self) -> &[Sector] {
        &self.sectors
    }

    pub fn len(&self) -> usize {
        self.sectors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sectors.is_empty()
    }

    /// The position of a sector by code.
    pub fn position(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    pub fn role(&self, position: usize) -> &SectorRole {
        &self.roles[position]
    }

    /// The positions of the partition members, in classification order.
    pub fn partition(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.sectors.len()).filter(|&position| self.sectors[position].in_partition)
    }

    /// Whether the partition covers the whole economy.
    pub fn is_exhaustive(&self) -> bool {
        self.exhaustive
    }
}

/// The NACE A*10 sectors a NACE Rev. 2 section (`A` … `U`) belongs to: its partition member,
/// then the sub-group when there is one (`C` is in `B-E` and is the sub-group `C`), then the
/// aggregate containing it (`H` is in `G-I` and `G-J`). Empty for a code that is not a section.
pub fn nace_a10_sectors_of_section(section: &str) -> &'static [&'static str] {
    match section {
        "A" => &["A"],
        "B" | "D" | "E" => &["B-E"],
        "C" => &["B-E", "C"],
        "F" => &["F"],
        "G" | "H" | "I" => &["G-I", "G-J"],
        "J" => &["J", "G-J"],
        "K" => &["K", "K-N"],
        "L" => &["L", "K-N"],
        "M" | "N" => &["M-N", "K-N"],
        "O" | "P" | "Q" => &["O-Q", "O-U"],
        "R" | "S" | "T" | "U" => &["R-U", "O-U"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nace_a10_roles() {
        let nace = Classification::nace_a10();
        let codes = |positions: Vec<usize>| -> Vec<String> {
            positions
                .into_iter()
                .map(|position| nace.sectors()[position].code.clone())
                .collect()
        };
        assert_eq!(
            codes(nace.partition().collect()),
            ["A", "B-E", "F", "G-I", "J", "K", "L", "M-N", "O-Q", "R-U"]
        );
        let role = |code: &str| nace.role(nace.position(code).unwrap()).clone();
        assert_eq!(
            role("C"),
            SectorRole::SubGroup(nace.position("B-E").unwrap())
        );
        let SectorRole::Aggregate(members) = role("K-N") else {
            panic!("K-N is an aggregate")
        };
        assert_eq!(codes(members), ["K", "L", "M-N"]);
        let SectorRole::Aggregate(members) = role("O-U") else {
            panic!("O-U is an aggregate")
        };
        assert_eq!(codes(members), ["O-Q", "R-U"]);
        assert!(nace.is_exhaustive());
    }

    #[test]
    fn every_nace_section_has_one_partition_member() {
        let nace = Classification::nace_a10();
        for section in 'A'..='U' {
            let sectors = nace_a10_sectors_of_section(&section.to_string());
            let members: Vec<&str> = sectors
                .iter()
                .copied()
                .filter(|code| nace.role(nace.position(code).unwrap()) == &SectorRole::Partition)
                .collect();
            assert_eq!(members.len(), 1, "{section}: {sectors:?}");
            assert_eq!(members[0], sectors[0], "{section}");
            // The others contain the partition member or sit inside it.
            let member = nace.position(members[0]).unwrap();
            for code in &sectors[1..] {
                match nace.role(nace.position(code).unwrap()) {
                    SectorRole::SubGroup(parent) => assert_eq!(*parent, member, "{code}"),
                    SectorRole::Aggregate(parts) => assert!(parts.contains(&member), "{code}"),
                    SectorRole::Partition => panic!("{section}: two partition members"),
                }
            }
        }
        assert_eq!(nace_a10_sectors_of_section("C"), ["B-E", "C"]);
        assert!(nace_a10_sectors_of_section("V").is_empty());
        assert!(nace_a10_sectors_of_section("62").is_empty());
    }

    fn sector(code: &str, parent: Option<&str>, in_partition: bool) -> Sector {
        Sector {
            code: code.to_owned(),
            label: code.to_owned(),
            parent: parent.map(str::to_owned),
            in_partition,
        }
    }

    #[test]
    fn overlapping_or_unplaced_sectors_are_refused() {
        let overlap = Classification::new(
            "x",
            vec![sector("B-E", None, true), sector("C", Some("B-E"), true)],
            true,
        );
        assert_eq!(
            overlap.unwrap_err(),
            ClassificationError::Overlap(String::from("B-E"), String::from("C"))
        );
        let unplaced = Classification::new(
            "x",
            vec![sector("A", None, true), sector("Z", None, false)],
            true,
        );
        assert_eq!(
            unplaced.unwrap_err(),
            ClassificationError::Unplaced(String::from("Z"))
        );
        let unknown = Classification::new("x", vec![sector("A", Some("Q"), true)], true);
        assert!(matches!(
            unknown.unwrap_err(),
            ClassificationError::UnknownParent { .. }
        ));
    }
}
