//! Ranking metrics exactly as MIND's evaluate script (and `../shared/tools/mindscore.py`) computes
//! them from a ranks line: score = 1/rank, stable sort, AUC with half credit for ties, MRR
//! normalized by the number of clicks, nDCG@k with gain 2^y − 1.

use serde::Serialize;

/// AUC, MRR, nDCG@5, nDCG@10 of one impression (or a mean of many).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Figures {
    pub auc: f64,
    pub mrr: f64,
    pub ndcg5: f64,
    pub ndcg10: f64,
}

/// Ranks 1..=n (1 = top) from scores: higher score first, ties keep the listed order.
pub fn ranks_from_scores(scores: &[f32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut ranks = vec![0; scores.len()];
    for (r, &i) in order.iter().enumerate() {
        ranks[i] = r + 1;
    }
    ranks
}

fn dcg(labels: &[u8], order: &[usize], k: usize) -> f64 {
    order
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, &o)| (2f64.powi(i32::from(labels[o])) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

/// Figures of one impression from its labels and the ranks given; `None` when the impression
/// has no click or no non-click (the script skips those).
pub fn impression_figures(labels: &[u8], ranks: &[usize]) -> Option<Figures> {
    let n = labels.len();
    if n == 0 || ranks.len() != n {
        return None;
    }
    let s: Vec<f64> = ranks.iter().map(|&r| 1.0 / r.max(1) as f64).collect();
    let pos: Vec<f64> = (0..n).filter(|&i| labels[i] == 1).map(|i| s[i]).collect();
    let neg: Vec<f64> = (0..n).filter(|&i| labels[i] == 0).map(|i| s[i]).collect();
    if pos.is_empty() || neg.is_empty() {
        return None;
    }
    let mut wins = 0.0;
    for p in &pos {
        for q in &neg {
            wins += if p > q {
                1.0
            } else if p == q {
                0.5
            } else {
                0.0
            };
        }
    }
    let auc = wins / (pos.len() * neg.len()) as f64;
    // numpy's stable argsort of −s.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| s[b].total_cmp(&s[a]));
    let clicks: f64 = labels.iter().map(|&y| f64::from(y)).sum();
    let mrr = order
        .iter()
        .enumerate()
        .map(|(i, &o)| f64::from(labels[o]) / (i + 1) as f64)
        .sum::<f64>()
        / clicks;
    let mut ideal: Vec<usize> = (0..n).collect();
    ideal.sort_by(|&a, &b| labels[b].cmp(&labels[a]));
    let nd = |k| dcg(labels, &order, k) / dcg(labels, &ideal, k);
    Some(Figures {
        auc,
        mrr,
        ndcg5: nd(5),
        ndcg10: nd(10),
    })
}

/// Running mean of figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mean {
    sum: Figures,
    pub count: usize,
}

impl Mean {
    pub fn add(&mut self, f: Figures) {
        self.sum.auc += f.auc;
        self.sum.mrr += f.mrr;
        self.sum.ndcg5 += f.ndcg5;
        self.sum.ndcg10 += f.ndcg10;
        self.count += 1;
    }

    pub fn mean(&self) -> Figures {
        let n = self.count.max(1) as f64;
        Figures {
            auc: self.sum.auc / n,
            mrr: self.sum.mrr / n,
            ndcg5: self.sum.ndcg5 / n,
            ndcg10: self.sum.ndcg10 / n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_reversed_rankings() {
        let labels = [1, 0, 0, 1];
        let best = impression_figures(&labels, &[1, 3, 4, 2]).unwrap_or_else(|| panic!("scored"));
        assert!((best.auc - 1.0).abs() < 1e-12 && (best.ndcg10 - 1.0).abs() < 1e-12);
        assert!((best.mrr - 0.75).abs() < 1e-12);
        let worst = impression_figures(&labels, &[4, 1, 2, 3]).unwrap_or_else(|| panic!("scored"));
        assert!(worst.auc.abs() < 1e-12);
        assert!(impression_figures(&[0, 0], &[1, 2]).is_none());
    }

    #[test]
    fn ranks_follow_scores_and_ties_keep_order() {
        assert_eq!(ranks_from_scores(&[0.1, 0.9, 0.5, 0.5]), vec![4, 1, 2, 3]);
    }
}
