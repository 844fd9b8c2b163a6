//! The seeded dice: a ChaCha8 stream with the few ways the generator draws from it.
//!
//! ChaCha8 from a 64-bit seed gives the same sequence on every platform, and every draw maps raw
//! `u32` or `u64` output to a range with integer arithmetic only (never `usize`, whose width
//! differs between platforms), so the same seed gives the same data everywhere.
//!
//! A range is drawn with Lemire's multiply-and-shift, without the rejection step that would make
//! it exactly uniform: the bias is below `bound / 2^32`, far below anything a demo data set can
//! show, and skipping it keeps each draw to one multiplication (a row takes about a hundred).

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A deterministic source of random choices.
#[derive(Debug, Clone)]
pub(crate) struct Dice {
    rng: ChaCha8Rng,
}

impl Dice {
    /// Dice for one independent purpose (`stream`) of a generation run (`seed`).
    pub(crate) fn new(seed: u64, stream: u64) -> Dice {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Dice { rng }
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub(crate) fn below(&mut self, bound: u32) -> u32 {
        ((u64::from(self.rng.next_u32()) * u64::from(bound)) >> 32) as u32
    }

    /// A number in `0..bound` for bounds beyond `u32`.
    pub(crate) fn below_u64(&mut self, bound: u64) -> u64 {
        ((u128::from(self.rng.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// A number in `low..=high`.
    pub(crate) fn between(&mut self, low: u32, high: u32) -> u32 {
        if high <= low {
            low
        } else {
            low + self.below(high - low + 1)
        }
    }

    /// True with probability `percent` / 100.
    pub(crate) fn percent(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }

    /// An index into a slice of `length` elements.
    pub(crate) fn index(&mut self, length: usize) -> usize {
        self.below(u32::try_from(length).unwrap_or(u32::MAX)) as usize
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// One of several words.
    pub(crate) fn word<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.index(words.len())]
    }

    /// An index drawn with probability proportional to `weights` (which must not all be 0).
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut ticket = self.below(total);
        for (index, weight) in weights.iter().enumerate() {
            if ticket < *weight {
                return index;
            }
            ticket -= weight;
        }
        weights.len() - 1
    }

    /// A number in `0..bound` skewed towards 0: the square of a uniform draw (a quarter of the
    /// draws land in the lowest quarter of a quarter of the range, and so on).
    pub(crate) fn skewed_below(&mut self, bound: u32) -> u32 {
        let uniform = u64::from(self.below(1 << 16));
        ((uniform * uniform * u64::from(bound)) >> 32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_stream_give_the_same_draws() {
        let draws = |seed, stream| {
            let mut dice = Dice::new(seed, stream);
            (0..20).map(|_| dice.below(1_000_000)).collect::<Vec<_>>()
        };
        assert_eq!(draws(7, 0), draws(7, 0));
        assert_ne!(draws(7, 0), draws(8, 0));
        assert_ne!(draws(7, 0), draws(7, 1));
    }

    #[test]
    fn draws_stay_in_range() {
        let mut dice = Dice::new(1, 0);
        for _ in 0..10_000 {
            assert!(dice.below(7) < 7);
            assert!((3..=5).contains(&dice.between(3, 5)));
            assert!(dice.skewed_below(40) < 40);
            assert!(dice.weighted(&[0, 5, 0, 1]) % 2 == 1);
        }
        assert_eq!(dice.below(0), 0);
        assert_eq!(dice.between(9, 9), 9);
    }
}
