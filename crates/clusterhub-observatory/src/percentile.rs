//! Percentiles and percentile ranks, with one definition used everywhere (and by the SQL
//! reference of `clusterhub bench observatory`).
//!
//! **Percentile value** `P_p` of `n` values sorted ascending `x_1 ≤ … ≤ x_n` (the linear
//! interpolation of Hyndman & Fan's type 7, the default of R, NumPy, Excel's `PERCENTILE.INC`
//! and PostgreSQL's `percentile_cont`): `h = (n − 1) · p / 100`, `j = ⌊h⌋`, `g = h − j`,
//! `P_p = x_(j+1) + g · (x_(j+2) − x_(j+1))` (with `x_(n+1) = x_n`). `P_0` is the minimum, `P_100`
//! the maximum; one value is its own every percentile.
//!
//! **"In the top q %"** means `x ≥ P_(100 − q)`. Ties are never split: equal values are all in
//! or all out, so more than q % of the regions can be in when several share the boundary value.
//!
//! **Percentile rank** of a value `x` among the `n` values (itself included): with `L` values
//! strictly below `x` and `E` values equal to it, `PR = 100 · (L + (E − 1) / 2) / (n − 1)`: the
//! minimum has 0, the maximum 100, tied values share the mean of the ranks they span, and for
//! values without ties `PR ≥ p ⟺ x ≥ P_p`. One value alone has rank 100.
//!
//! Missing values are never part of the `n`: they are left out before sorting.

/// `P_p` of values sorted ascending; `None` for no values.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * (p / 100.0);
    let j = (h.floor() as usize).min(n - 1);
    let g = h - j as f64;
    let low = sorted[j];
    let high = sorted[(j + 1).min(n - 1)];
    Some(low + g * (high - low))
}

/// The percentile rank of `value` among values sorted ascending (which include it).
pub fn percentile_rank(sorted: &[f64], value: f64) -> f64 {
    let n = sorted.len();
    if n <= 1 {
        return 100.0;
    }
    let below = sorted.partition_point(|&other| other < value);
    let equal = sorted.partition_point(|&other| other <= value) - below;
    100.0 * (below as f64 + (equal as f64 - 1.0) / 2.0) / ((n - 1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_order_statistics() {
        let values = [10.0, 20.0, 30.0, 40.0, 50.0];
        // h = 4 · 0.9 = 3.6: x_4 + 0.6 · (x_5 − x_4) = 40 + 6.
        assert!((percentile(&values, 90.0).unwrap() - 46.0).abs() < 1e-12);
        // h = 4 · 0.25 = 1: exactly x_2.
        assert_eq!(percentile(&values, 25.0), Some(20.0));
        assert_eq!(percentile(&values, 0.0), Some(10.0));
        assert_eq!(percentile(&values, 100.0), Some(50.0));
        assert_eq!(percentile(&[7.0], 75.0), Some(7.0));
        assert_eq!(percentile(&[], 75.0), None);
    }

    #[test]
    fn ranks_share_ties() {
        let values = [1.0, 2.0, 2.0, 2.0, 5.0];
        assert_eq!(percentile_rank(&values, 1.0), 0.0);
        // L = 1, E = 3: 100 · (1 + 1) / 4.
        assert_eq!(percentile_rank(&values, 2.0), 50.0);
        assert_eq!(percentile_rank(&values, 5.0), 100.0);
        assert_eq!(percentile_rank(&[3.0], 3.0), 100.0);
        // All equal: everyone in the middle.
        assert_eq!(percentile_rank(&[4.0, 4.0], 4.0), 50.0);
    }
}
