//! Item embeddings learned on the local corpus, no downloaded weights: a truncated SVD (latent
//! semantic analysis) of the tf-idf matrix by randomized subspace iteration, so the cost grows
//! linearly with the corpus (Halko, Martinsson & Tropp 2011).

use super::corpus::Corpus;
use super::rng::SplitMix;

/// How many dimensions the item vectors get. Low on purpose: a smooth space generalizes from a
/// handful of clicks to unseen items of the same fine-grained topic; more dimensions memorize.
pub const DEFAULT_DIMS: usize = 24;
/// Extra random directions and power iterations make the leading subspace accurate.
const OVERSAMPLE: usize = 10;
const POWER_ITERATIONS: usize = 3;

/// Unit-length item vectors, `dims` floats per corpus slot (zeros for items without text).
#[derive(Debug, Clone, Default)]
pub struct Embeddings {
    pub dims: usize,
    pub data: Vec<f32>,
    /// The term basis `V·Σ⁻¹` (`dims` floats per term id known at embedding time): an item that
    /// arrives later is folded in as its tf-idf row times this, without a new SVD.
    pub basis: Vec<f32>,
}

impl Embeddings {
    /// Plain vectors without a term basis (tests, and callers that never fold in).
    pub fn from_vectors(dims: usize, data: Vec<f32>) -> Self {
        Self {
            dims,
            data,
            basis: Vec::new(),
        }
    }

    /// Appends the folded-in vector of a new item's tf-idf row (unit length; zeros when none of
    /// its terms were known when the basis was learned).
    pub fn push_folded(&mut self, row: &[(u32, f32)]) {
        let dims = self.dims;
        let mut v = vec![0.0f32; dims];
        for &(t, w) in row {
            let t = t as usize;
            if let Some(b) = self.basis.get(t * dims..(t + 1) * dims) {
                for (x, &y) in v.iter_mut().zip(b) {
                    *x += w * y;
                }
            }
        }
        let norm = dot(&v, &v).sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        }
        self.data.extend_from_slice(&v);
    }

    pub fn vector(&self, slot: usize) -> &[f32] {
        &self.data[slot * self.dims..(slot + 1) * self.dims]
    }

    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.dims).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Dot product in eight independent lanes: a plain fold is a serial chain of float adds that the
/// compiler may not reorder, so it would not vectorize; this is the recommender's inner loop.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; 8];
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        let x: &[f32; 8] = x.try_into().unwrap_or(&[0.0; 8]);
        let y: &[f32; 8] = y.try_into().unwrap_or(&[0.0; 8]);
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    acc.iter().sum::<f32>() + tail
}

/// Computes `dims`-dimensional LSA vectors (rows of U·Σ, then L2-normalized). Deterministic for
/// a given corpus and seed.
pub fn embed(corpus: &Corpus, dims: usize, seed: u64) -> Embeddings {
    let n = corpus.len();
    let v = corpus.terms.len();
    let l = (dims + OVERSAMPLE).min(n).min(v.max(1));
    if n == 0 || v == 0 || dims == 0 {
        return Embeddings::from_vectors(dims, vec![0.0; n * dims]);
    }
    let mut rng = SplitMix::new(seed);
    // Y = X Ω, with Ω a V×l Gaussian matrix generated column-major on the fly.
    let mut omega = vec![0.0f32; v * l];
    for w in omega.iter_mut() {
        *w = rng.gaussian();
    }
    let mut y = mul_x(corpus, &omega, l);
    orthonormalize(&mut y, n, l);
    for _ in 0..POWER_ITERATIONS {
        let z = mul_xt(corpus, &y, l, v);
        y = mul_x(corpus, &z, l);
        orthonormalize(&mut y, n, l);
    }
    // B Bᵀ = Qᵀ X Xᵀ Q (l×l); its eigenvectors rotate Q onto the left singular vectors.
    let z = mul_xt(corpus, &y, l, v); // V×l = Xᵀ Q
    let mut g = vec![0.0f64; l * l];
    for a in 0..l {
        for b in a..l {
            let mut s = 0.0f64;
            for t in 0..v {
                s += f64::from(z[t * l + a]) * f64::from(z[t * l + b]);
            }
            g[a * l + b] = s;
            g[b * l + a] = s;
        }
    }
    let (eig, vecs) = jacobi_eigen(&mut g, l);
    let mut order: Vec<usize> = (0..l).collect();
    order.sort_by(|&a, &b| eig[b].total_cmp(&eig[a]));
    let k = dims.min(l);
    let mut data = vec![0.0f32; n * dims];
    for i in 0..n {
        let row = &mut data[i * dims..(i + 1) * dims];
        for (c, &e) in order.iter().take(k).enumerate() {
            let sigma = eig[e].max(0.0).sqrt();
            let mut s = 0.0f64;
            for a in 0..l {
                s += f64::from(y[i * l + a]) * vecs[a * l + e];
            }
            row[c] = (s * sigma) as f32;
        }
        let norm = dot(row, row).sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|x| *x /= norm);
        }
    }
    // Right singular vectors over σ: Xᵀ Q W Σ⁻¹, so that a row x maps to x V Σ⁻¹ Σ = the same
    // U Σ coordinates an item of the corpus got.
    let mut basis = vec![0.0f32; v * dims];
    for t in 0..v {
        for (c, &e) in order.iter().take(k).enumerate() {
            let sigma = eig[e].max(0.0).sqrt();
            if sigma <= 0.0 {
                continue;
            }
            let mut s = 0.0f64;
            for a in 0..l {
                s += f64::from(z[t * l + a]) * vecs[a * l + e];
            }
            basis[t * dims + c] = (s / sigma) as f32;
        }
    }
    Embeddings { dims, data, basis }
}

/// X (n×V sparse) · M (V×l, row-major) → n×l.
fn mul_x(c: &Corpus, m: &[f32], l: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; c.len() * l];
    for (i, row) in c.rows.iter().enumerate() {
        let o = &mut out[i * l..(i + 1) * l];
        for &(t, w) in row {
            let src = &m[t as usize * l..(t as usize + 1) * l];
            o.iter_mut().zip(src).for_each(|(a, b)| *a += w * b);
        }
    }
    out
}

/// Xᵀ (V×n) · M (n×l) → V×l.
fn mul_xt(c: &Corpus, m: &[f32], l: usize, v: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; v * l];
    for (i, row) in c.rows.iter().enumerate() {
        let src = &m[i * l..(i + 1) * l];
        for &(t, w) in row {
            let o = &mut out[t as usize * l..(t as usize + 1) * l];
            o.iter_mut().zip(src).for_each(|(a, b)| *a += w * b);
        }
    }
    out
}

/// Modified Gram–Schmidt on the columns of an n×l row-major matrix (twice, for stability).
fn orthonormalize(m: &mut [f32], n: usize, l: usize) {
    for _ in 0..2 {
        for j in 0..l {
            for p in 0..j {
                let mut s = 0.0f64;
                for i in 0..n {
                    s += f64::from(m[i * l + j]) * f64::from(m[i * l + p]);
                }
                let s = s as f32;
                for i in 0..n {
                    m[i * l + j] -= s * m[i * l + p];
                }
            }
            let norm = (0..n)
                .map(|i| f64::from(m[i * l + j]).powi(2))
                .sum::<f64>()
                .sqrt() as f32;
            for i in 0..n {
                m[i * l + j] = if norm > 1e-12 {
                    m[i * l + j] / norm
                } else {
                    0.0
                };
            }
        }
    }
}

/// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: returns the
/// eigenvalues and the eigenvectors as columns of an l×l row-major matrix.
fn jacobi_eigen(a: &mut [f64], l: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0f64; l * l];
    for i in 0..l {
        v[i * l + i] = 1.0;
    }
    for _sweep in 0..60 {
        let off: f64 = (0..l)
            .flat_map(|i| (0..l).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * l + j].powi(2))
            .sum();
        if off < 1e-18 {
            break;
        }
        for p in 0..l {
            for q in p + 1..l {
                let apq = a[p * l + q];
                if apq.abs() < 1e-30 {
                    continue;
                }
                let theta = (a[q * l + q] - a[p * l + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..l {
                    let akp = a[k * l + p];
                    let akq = a[k * l + q];
                    a[k * l + p] = c * akp - s * akq;
                    a[k * l + q] = s * akp + c * akq;
                }
                for k in 0..l {
                    let apk = a[p * l + k];
                    let aqk = a[q * l + k];
                    a[p * l + k] = c * apk - s * aqk;
                    a[q * l + k] = s * apk + c * aqk;
                }
                for k in 0..l {
                    let vkp = v[k * l + p];
                    let vkq = v[k * l + q];
                    v[k * l + p] = c * vkp - s * vkq;
                    v[k * l + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..l).map(|i| a[i * l + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::corpus::ItemDoc;

    fn doc(id: i64, words: &[&str]) -> ItemDoc {
        ItemDoc {
            id,
            feed: "f".into(),
            feed_name: String::new(),
            author: None,
            domain: None,
            published: 0,
            terms: words.iter().map(|w| ((*w).to_owned(), 1.0)).collect(),
            title: String::new(),
        }
    }

    /// Three sports items, then three finance items.
    fn two_topics() -> Vec<ItemDoc> {
        vec![
            doc(1, &["goal", "match", "striker"]),
            doc(2, &["goal", "match", "keeper"]),
            doc(3, &["match", "striker", "keeper"]),
            doc(4, &["bank", "rate", "loan"]),
            doc(5, &["bank", "loan", "market"]),
            doc(6, &["rate", "market", "loan"]),
        ]
    }

    #[test]
    fn items_sharing_words_land_close_and_unrelated_ones_apart() {
        let docs = two_topics();
        let c = Corpus::build(&docs);
        let e = embed(&c, 2, 7);
        let sport = dot(e.vector(0), e.vector(1));
        let cross = dot(e.vector(0), e.vector(3));
        assert!(sport > 0.9, "same topic: {sport}");
        assert!(cross < 0.3, "different topics: {cross}");
        assert!((dot(e.vector(4), e.vector(4)) - 1.0).abs() < 1e-4);
    }

    #[test]
    fn a_new_item_folded_in_lands_where_a_corpus_item_of_its_words_is() {
        let docs = two_topics();
        let mut c = Corpus::build(&docs);
        let mut e = embed(&c, 2, 7);
        // Folding in a corpus item's own row gives back its vector.
        let mut again = e.clone();
        again.push_folded(&c.rows[0]);
        assert!(dot(again.vector(6), e.vector(0)) > 0.99);
        // A new sports item (one word the basis never saw) lands with the sports items.
        let slot = c
            .push(&doc(7, &["striker", "goal", "referee"]))
            .unwrap_or_else(|| panic!("a new item gets a slot"));
        e.push_folded(&c.rows[slot]);
        assert_eq!(e.len(), c.len());
        assert!(dot(e.vector(slot), e.vector(0)) > 0.9);
        assert!(dot(e.vector(slot), e.vector(3)) < 0.3);
        assert!(
            c.push(&doc(7, &["again"])).is_none(),
            "an item is added once"
        );
    }
}
