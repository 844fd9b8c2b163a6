//! Drawing from a discrete distribution in constant time: Walker's alias method with Vose's
//! construction, in integer arithmetic so the table is the same on every platform.
//!
//! Placing an organisation draws one of 20,000 cities by population. A binary search over the
//! running totals costs fifteen dependent memory reads; the alias table costs two draws and at
//! most two reads.

use crate::random::Dice;

/// A table for drawing index `i` with probability `weights[i] / total`.
#[derive(Debug, Clone)]
pub(crate) struct AliasTable {
    /// Per column, the tickets (out of `total`) that keep the column's own index.
    keep: Vec<u64>,
    /// Per column, the index drawn for the other tickets.
    alias: Vec<u32>,
    total: u64,
}

impl AliasTable {
    /// Builds the table. Every column holds `total` tickets; column `i` keeps `keep[i]` for index
    /// `i` and gives the rest to `alias[i]`, so that index `i` holds `weights[i] * n` tickets in
    /// all, `n` being the number of weights.
    pub(crate) fn new(weights: &[u64]) -> AliasTable {
        let count = weights.len() as u64;
        let total: u64 = weights.iter().sum();
        let mut scaled: Vec<u64> = weights.iter().map(|weight| weight * count).collect();
        let mut keep = vec![total; weights.len()];
        let mut alias: Vec<u32> = (0..weights.len() as u32).collect();
        let mut small: Vec<u32> = Vec::new();
        let mut large: Vec<u32> = Vec::new();
        for (index, tickets) in scaled.iter().enumerate() {
            if *tickets < total {
                small.push(index as u32);
            } else {
                large.push(index as u32);
            }
        }
        while let (Some(&short), Some(&long)) = (small.last(), large.last()) {
            small.pop();
            keep[short as usize] = scaled[short as usize];
            alias[short as usize] = long;
            // The long index gives the short column what it lacks.
            let lacking = total - scaled[short as usize];
            scaled[long as usize] -= lacking;
            if scaled[long as usize] < total {
                large.pop();
                small.push(long);
            }
        }
        // What is left holds exactly `total` tickets and keeps its whole column.
        AliasTable { keep, alias, total }
    }

    /// Draws an index.
    pub(crate) fn draw(&self, dice: &mut Dice) -> u32 {
        let column = dice.index(self.keep.len());
        if dice.below_u64(self.total) < self.keep[column] {
            column as u32
        } else {
            self.alias[column]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tickets each index holds across all columns.
    fn tickets(table: &AliasTable) -> Vec<u64> {
        let mut tickets = vec![0; table.keep.len()];
        for (column, keep) in table.keep.iter().enumerate() {
            tickets[column] += keep;
            tickets[table.alias[column] as usize] += table.total - keep;
        }
        tickets
    }

    #[test]
    fn every_index_holds_tickets_in_proportion_to_its_weight() {
        for weights in [
            vec![1_u64, 2, 3, 4],
            vec![5, 0, 0, 1],
            vec![7],
            vec![1_000_000, 3, 17, 250_000, 9, 9],
        ] {
            let table = AliasTable::new(&weights);
            let count = weights.len() as u64;
            let expected: Vec<u64> = weights.iter().map(|weight| weight * count).collect();
            assert_eq!(tickets(&table), expected, "{weights:?}");
        }
    }

    #[test]
    fn draws_follow_the_weights() {
        let table = AliasTable::new(&[1, 0, 3]);
        let mut dice = Dice::new(5, 0);
        let mut counts = [0_u32; 3];
        for _ in 0..40_000 {
            counts[table.draw(&mut dice) as usize] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!((9_000..11_000).contains(&counts[0]), "{counts:?}");
    }
}
