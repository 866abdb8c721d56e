//! The item space as one user sees it: embedding axes along which their opens and skips differ
//! are stretched, so that "near" for the neighbour part means near in the ways that matter to
//! this reader. The corpus embeddings stay shared; the refinement is learned from clicks alone.

use super::corpus::Slot;
use super::embed::Embeddings;

/// Longest embedding the scorer refines on the stack; longer ones use the heap.
pub const MAX_DIMS: usize = 128;

/// Opens and skips needed before any axis is reshaped: below that the contrast is noise.
const MIN_EACH: usize = 3;

/// One scale per axis, `sqrt(1 + strength · d²)`, where `d²` is the squared gap between the
/// opened and skipped items' means on that axis over their pooled variance (a Fisher score),
/// less what noise alone would give. Empty when there is too little evidence or `strength` is 0.
pub fn refined_axes(emb: &Embeddings, clicks: &[Slot], skips: &[Slot], strength: f32) -> Vec<f32> {
    if strength <= 0.0 || clicks.len() < MIN_EACH || skips.len() < MIN_EACH {
        return Vec::new();
    }
    let dims = emb.dims;
    let moments = |slots: &[Slot]| {
        let (mut sum, mut sq) = (vec![0.0f64; dims], vec![0.0f64; dims]);
        for &s in slots {
            for (k, &x) in emb.vector(s).iter().enumerate() {
                sum[k] += f64::from(x);
                sq[k] += f64::from(x) * f64::from(x);
            }
        }
        let n = slots.len() as f64;
        let mean: Vec<f64> = sum.iter().map(|s| s / n).collect();
        let var: Vec<f64> = sq.iter().zip(&mean).map(|(q, m)| q / n - m * m).collect();
        (mean, var)
    };
    let (mc, vc) = moments(clicks);
    let (ms, vs) = moments(skips);
    let (nc, ns) = (clicks.len() as f64, skips.len() as f64);
    // A gap of pure noise has an expected squared effect size of about 1/nc + 1/ns: only what
    // exceeds it counts, so a handful of events reshapes nothing.
    let noise = 1.0 / nc + 1.0 / ns;
    let axes: Vec<f32> = (0..dims)
        .map(|k| {
            let pooled = (vc[k] * nc + vs[k] * ns) / (nc + ns);
            let gap = mc[k] - ms[k];
            let effect = (gap * gap / (pooled.max(0.0) + 1e-9) - noise).max(0.0);
            (1.0 + f64::from(strength) * effect).sqrt() as f32
        })
        .collect();
    if axes.iter().all(|&a| a == 1.0) {
        return Vec::new();
    }
    axes
}

/// Writes `v` as seen through `axes` into `out`, back on the unit sphere; a plain copy when
/// nothing was learned.
pub fn refine_into(v: &[f32], axes: &[f32], out: &mut [f32]) {
    if axes.len() != v.len() {
        out.copy_from_slice(v);
        return;
    }
    let mut norm = 0.0f32;
    for ((o, &x), &a) in out.iter_mut().zip(v).zip(axes) {
        *o = x * a;
        norm += *o * *o;
    }
    if norm > 0.0 {
        let inv = norm.sqrt().recip();
        out.iter_mut().for_each(|o| *o *= inv);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items on three axes: axis 0 says the topic the reader opens, axis 1 is shared by all,
    /// axis 2 varies but means nothing to them.
    fn emb() -> Embeddings {
        let mut data = Vec::new();
        for i in 0..20 {
            let topic = if i % 2 == 0 { 0.6 } else { -0.6 };
            let noise = if i % 4 < 2 { 0.5 } else { -0.5 };
            data.extend([topic, 0.6, noise]);
        }
        Embeddings::from_vectors(3, data)
    }

    #[test]
    fn the_axis_that_separates_opens_from_skips_is_stretched() {
        let e = emb();
        let clicks: Vec<Slot> = (0..20).step_by(2).collect();
        let skips: Vec<Slot> = (1..20).step_by(2).collect();
        let axes = refined_axes(&e, &clicks, &skips, 1.0);
        assert_eq!(axes.len(), 3);
        assert!(axes[0] > 1.5, "{axes:?}");
        assert!(axes[1] < 1.01 && axes[2] < 1.01, "{axes:?}");
        // Two items of the same topic but opposite noise end up closer than before.
        let (a, b) = (e.vector(0), e.vector(2));
        let (mut ra, mut rb) = ([0.0; 3], [0.0; 3]);
        refine_into(a, &axes, &mut ra);
        refine_into(b, &axes, &mut rb);
        let cos = |x: &[f32], y: &[f32]| {
            let d: f32 = x.iter().zip(y).map(|(p, q)| p * q).sum();
            d / (x.iter().map(|p| p * p).sum::<f32>() * y.iter().map(|q| q * q).sum::<f32>()).sqrt()
        };
        assert!(cos(&ra, &rb) > cos(a, b) + 0.1);
        assert!((ra.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-5);
    }

    #[test]
    fn too_little_evidence_leaves_the_space_alone() {
        let e = emb();
        assert!(refined_axes(&e, &[0, 2], &[1, 3, 5], 1.0).is_empty());
        assert!(refined_axes(&e, &[0, 2, 4], &[1, 3, 5], 0.0).is_empty());
        let mut out = [0.0; 3];
        refine_into(e.vector(1), &[], &mut out);
        assert_eq!(out, [-0.6, 0.6, 0.5]);
    }
}
