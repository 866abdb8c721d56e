//! How segments are merged: tantivy's log-level policy, with no merge making a segment larger
//! than [`MAX_MERGED_DOCS`].
//!
//! Searches run over segments in parallel, one task per segment. Left alone, the log policy
//! merges eight segments of a level into one: with commits of about 11,000 documents, a
//! million items end as one segment of 713,000 beside five small ones, and the thread that
//! takes the large one does seven tenths of every search alone (two words p99 15 → 23–28 ms,
//! phrases 15 → 23–24 ms). Merging that segment also maps 600 MB of index files at once.

use tantivy::index::SegmentMeta;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};

/// The most documents a merge may produce. At a million items that leaves five or more
/// segments of similar size, enough to keep four search threads busy.
pub const MAX_MERGED_DOCS: u32 = 250_000;

/// [`LogMergePolicy`] with each of its merges cut into runs of at most [`MAX_MERGED_DOCS`].
#[derive(Debug, Default)]
pub struct BoundedMergePolicy {
    inner: LogMergePolicy,
}

impl MergePolicy for BoundedMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let docs = |id| {
            segments
                .iter()
                .find(|s| s.id() == id)
                .map_or(0, SegmentMeta::num_docs)
        };
        self.inner
            .compute_merge_candidates(segments)
            .into_iter()
            .flat_map(|MergeCandidate(ids)| {
                let mut sized: Vec<_> = ids.into_iter().map(|id| (id, docs(id))).collect();
                // Smallest first, so that a run holds as many segments as the bound allows.
                sized.sort_by_key(|&(_, n)| n);
                let mut runs: Vec<(Vec<_>, u32)> = Vec::new();
                for (id, n) in sized {
                    match runs.last_mut() {
                        Some((run, total)) if total.saturating_add(n) <= MAX_MERGED_DOCS => {
                            run.push(id);
                            *total += n;
                        }
                        _ => runs.push((vec![id], n)),
                    }
                }
                runs.into_iter()
                    .filter(|(run, _)| run.len() > 1)
                    .map(|(run, _)| MergeCandidate(run))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::Index;
    use tantivy::index::SegmentId;
    use tantivy::schema::{INDEXED, Schema};

    fn metas(sizes: &[u32]) -> Vec<SegmentMeta> {
        let mut schema = Schema::builder();
        schema.add_u64_field("n", INDEXED);
        let index = Index::create_in_ram(schema.build());
        sizes
            .iter()
            .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect()
    }

    fn merged_sizes(policy: &BoundedMergePolicy, segments: &[SegmentMeta]) -> Vec<Vec<u32>> {
        let size = |id: &SegmentId| {
            segments
                .iter()
                .find(|s| s.id() == *id)
                .map_or(0, SegmentMeta::num_docs)
        };
        let mut out: Vec<Vec<u32>> = policy
            .compute_merge_candidates(segments)
            .iter()
            .map(|c| c.0.iter().map(size).collect())
            .collect();
        out.sort();
        out
    }

    #[test]
    fn eight_small_segments_merge_into_one_as_the_log_policy_would() {
        let segments = metas(&[11_000; 8]);
        let merges = merged_sizes(&BoundedMergePolicy::default(), &segments);
        assert_eq!(merges, vec![vec![11_000; 8]]);
    }

    #[test]
    fn a_merge_beyond_the_bound_is_cut_into_runs_under_it() {
        let segments = metas(&[89_000; 8]);
        let merges = merged_sizes(&BoundedMergePolicy::default(), &segments);
        assert_eq!(merges, vec![vec![89_000, 89_000]; 4]);
        assert!(
            merges
                .iter()
                .all(|m| m.iter().sum::<u32>() <= MAX_MERGED_DOCS)
        );
    }

    #[test]
    fn segments_at_the_bound_are_left_as_they_are() {
        let segments = metas(&[178_000; 9]);
        assert!(merged_sizes(&BoundedMergePolicy::default(), &segments).is_empty());
    }

    #[test]
    fn fewer_than_eight_segments_of_a_level_wait() {
        let segments = metas(&[11_000; 7]);
        assert!(merged_sizes(&BoundedMergePolicy::default(), &segments).is_empty());
    }
}
