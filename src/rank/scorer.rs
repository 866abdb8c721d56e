//! Scoring one list: a user model turned into dense tables and a packed memory of remembered
//! items, so a thousand candidates score in about a millisecond.

use super::corpus::Slot;
use super::embed::dot;
use super::model::{Counts, Parts, UserModel, World};
use super::refine::{MAX_DIMS, refine_into, refined_axes};
use multiversion::multiversion;
use std::collections::HashMap;

/// Members scanned together by the neighbour search: 32 running sums are eight SSE registers,
/// enough independent additions in flight to hide their latency (8 lanes ran at half the speed).
const LANES: usize = 32;

fn logit(p: f32) -> f32 {
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    (p / (1.0 - p)).ln()
}

/// A model ready to score one list: the remembered items' vectors copied side by side so the
/// neighbour scan streams through one block of memory.
pub struct Scorer<'a> {
    model: &'a UserModel,
    world: World<'a>,
    /// Vectors of the opened items, then of the skipped ones, in panels of [`LANES`] members:
    /// `memory[(j / LANES * dims + k) * LANES + j % LANES]` is coordinate `k` of member `j`.
    memory: Vec<f32>,
    members: usize,
    /// This user's scale per embedding axis (see [`refined_axes`]); empty until learned.
    axes: Vec<f32>,
    /// 1 for the lanes holding opened items, 0 for skipped items and padding.
    opened_mask: Vec<f32>,
    base: f32,
    base_logit: f32,
    /// Opens and shows per feed, author and domain id (see [`Scorer::groups`]).
    feed: Vec<Counts>,
    author: Vec<Counts>,
    domain: Vec<Counts>,
    feed_bias: Vec<f32>,
    /// The profile by term id, divided by its norm (empty when there is none).
    profile: Vec<f32>,
    profile_weight: f32,
}

/// Cosines of `v` with the [`LANES`] members of one panel. On its own so that it compiles to
/// packed multiplies: folded into the scan's bookkeeping it fell back to one lane at a time.
#[inline(always)]
fn panel_dots(v: &[f32], panel: &[f32]) -> [f32; LANES] {
    let mut acc = [0.0f32; LANES];
    for (&x, lanes) in v.iter().zip(panel.chunks_exact(LANES)) {
        for (a, &y) in acc.iter_mut().zip(lanes) {
            *a += x * y;
        }
    }
    acc
}

/// The neighbour scan proper, most of the time a list takes to score: over the panels of
/// remembered items, the kernel-weighted sum of opens and of weights, and the nearest opened
/// member (index, cosine). Compiled twice, for AVX2 and for the baseline, and picked at run time:
/// AVX2 halves the multiplies. The arithmetic per lane is the same in both, so are the scores.
/// No closures inside: they do not inherit the AVX2 copy's features and stay calls (slower than
/// the baseline). Kept out of line: inlined next to the stack buffer in `parts`, it compiled to
/// scalar code and ran seven times slower.
#[multiversion(targets("x86_64+avx2"))]
#[inline(never)]
fn scan_panels(
    v: &[f32],
    memory: &[f32],
    opened_mask: &[f32],
    opened: usize,
    kernel_squarings: u32,
) -> (f32, f32, Option<(usize, f32)>) {
    let dims = v.len();
    let (mut num, mut den) = ([0.0f32; LANES], [0.0f32; LANES]);
    let mut nearest: Option<(usize, f32)> = None;
    for (p, panel) in memory.chunks_exact((dims * LANES).max(1)).enumerate() {
        let acc = panel_dots(v, panel);
        // Opened items come first: only the leading panels hold any.
        if p * LANES < opened {
            for (l, &c) in acc.iter().enumerate() {
                let better = match nearest {
                    Some((_, best)) => c > best,
                    None => true,
                };
                if p * LANES + l < opened && better {
                    nearest = Some((p * LANES + l, c));
                }
            }
        }
        // Padding lanes hold zero vectors: weight zero.
        let mut w = [0.0f32; LANES];
        for (x, &c) in w.iter_mut().zip(&acc) {
            *x = if c > 0.0 { c } else { 0.0 };
        }
        for _ in 0..kernel_squarings {
            for x in &mut w {
                *x *= *x;
            }
        }
        let mask = &opened_mask[p * LANES..(p + 1) * LANES];
        for l in 0..LANES {
            num[l] += w[l] * mask[l];
            den[l] += w[l];
        }
    }
    (num.iter().sum(), den.iter().sum(), nearest)
}

impl<'a> Scorer<'a> {
    /// Everything scoring needs that does not depend on the candidate, computed once per list.
    pub fn new(model: &'a UserModel, world: World<'a>) -> Self {
        let dims = world.emb.dims;
        let members = model.clicks.len() + model.skips.len();
        // Stored in panels of LANES members, dimension by dimension within a panel: the scan
        // keeps LANES running sums in registers and reads memory once, in order.
        let panels = members.div_ceil(LANES);
        let mut memory = vec![0.0f32; panels * dims * LANES];
        let mut opened_mask = vec![0.0f32; panels * LANES];
        opened_mask[..model.clicks.len()].fill(1.0);
        let axes = refined_axes(world.emb, &model.clicks, &model.skips, model.cfg.refine);
        let mut v = vec![0.0f32; dims];
        for (j, &s) in model.clicks.iter().chain(&model.skips).enumerate() {
            let (panel, lane) = (j / LANES, j % LANES);
            refine_into(world.emb.vector(s), &axes, &mut v);
            for (k, &x) in v.iter().enumerate() {
                memory[(panel * dims + k) * LANES + lane] = x;
            }
        }
        // Dense tables by interned id: a list scores thousands of lookups, a hash each is slow.
        let base = model.base_rate();
        let c = world.corpus;
        let dense = |counts: &HashMap<u32, Counts>, n: usize| {
            let mut t = vec![Counts::default(); n];
            for (&id, c) in counts {
                if let Some(x) = t.get_mut(id as usize) {
                    *x = *c;
                }
            }
            t
        };
        let mut feed_bias = vec![0.0f32; c.feeds.len()];
        for (&f, &b) in &model.feed_bias {
            if let Some(x) = feed_bias.get_mut(f as usize) {
                *x = b;
            }
        }
        let norm = model.profile.values().map(|w| w * w).sum::<f32>().sqrt();
        let mut profile = Vec::new();
        if norm > 0.0 {
            profile = vec![0.0f32; c.terms.len()];
            for (&t, &w) in &model.profile {
                if let Some(x) = profile.get_mut(t as usize) {
                    *x = w / norm;
                }
            }
        }
        Scorer {
            model,
            world,
            memory,
            members,
            axes,
            opened_mask,
            base,
            base_logit: logit(base),
            feed: dense(&model.feeds, c.feeds.len()),
            author: dense(&model.authors, c.authors.len()),
            domain: dense(&model.domains, c.domains.len()),
            feed_bias,
            profile,
            profile_weight: model.profile_weight(),
        }
    }

    /// The kernel-weighted click rate of the remembered items near `v`, over the base rate, and
    /// the nearest opened item.
    fn scan(&self, v: &[f32]) -> (f32, Option<(Slot, f32)>) {
        let m = self.model;
        let (num, den, nearest) = scan_panels(
            v,
            &self.memory,
            &self.opened_mask,
            m.clicks.len(),
            m.cfg.kernel_squarings,
        );
        let a = m.cfg.neighbour_prior;
        let p = (num + a * self.base) / (den + a);
        let nearest = nearest.and_then(|(j, c)| m.clicks.get(j).map(|&s| (s, c)));
        (logit(p) - logit(self.base), nearest)
    }

    fn profile_sim(&self, slot: Slot) -> f32 {
        if self.profile.is_empty() {
            return 0.0;
        }
        self.world.corpus.rows[slot]
            .iter()
            .map(|&(t, w)| w * self.profile.get(t as usize).copied().unwrap_or(0.0))
            .sum()
    }

    fn linear(&self, slot: Slot) -> f32 {
        let m = self.model;
        let f = self.world.corpus.feed[slot] as usize;
        dot(&m.w, self.world.emb.vector(slot))
            + self.feed_bias.get(f).copied().unwrap_or(0.0)
            + m.bias
    }

    /// The feed, author and domain parts of one item. Each group's click rate is shrunk toward
    /// the rate of the broader group before it (most shows first, the user's overall rate at the
    /// root), and its part is what it adds to that; a group with exactly the broader one's counts
    /// (the same opens) adds nothing. A single-author blog on its own domain so counts its opens
    /// once, not three times; a site's domain spanning all its feeds adds
    /// nothing its feed does not; an author the user follows across feeds still stands out.
    fn groups(&self, slot: Slot) -> [f32; 3] {
        let c = self.world.corpus;
        let cfg = &self.model.cfg;
        let counts = |t: &[Counts], id: Option<u32>| id.and_then(|i| t.get(i as usize)).copied();
        let mut groups = [
            (counts(&self.feed, Some(c.feed[slot])), 0, cfg.w_feed),
            (counts(&self.author, c.author[slot]), 1, cfg.w_author),
            (counts(&self.domain, c.domain[slot]), 2, cfg.w_domain),
        ];
        // Broadest first; on a tie the feed leads, then author, then domain.
        groups.sort_by(|a, b| {
            let shows = |g: &(Option<Counts>, usize, f32)| g.0.map_or(-1.0, |c| c.shows);
            shows(b).total_cmp(&shows(a)).then(a.1.cmp(&b.1))
        });
        let k = cfg.prior_shows;
        let mut out = [0.0f32; 3];
        let (mut prior, mut prior_logit, mut previous) = (self.base, self.base_logit, None);
        for (n, part, weight) in groups {
            // The same counts as the broader group: the same opens, nothing new to add.
            let Some(n) = n.filter(|n| Some(*n) != previous) else {
                continue;
            };
            let rate = (n.clicks + k * prior) / (n.shows + k);
            let rate_logit = logit(rate);
            out[part] = weight * (rate_logit - prior_logit);
            (prior, prior_logit, previous) = (rate, rate_logit, Some(n));
        }
        out
    }

    /// Everything but the neighbours: the parts read from the candidate's own rows. Leaves the
    /// candidate's vector, in the user's refined space, in `v` for [`Scorer::add_neighbours`].
    fn row_parts(&self, slot: Slot, v: &mut [f32]) -> Parts {
        let cfg = &self.model.cfg;
        refine_into(self.world.emb.vector(slot), &self.axes, v);
        let [feed, author, domain] = self.groups(slot);
        Parts {
            neighbours: 0.0,
            feed,
            author,
            domain,
            linear: cfg.w_linear * self.linear(slot),
            profile: self.profile_weight * self.profile_sim(slot),
            nearest_click: None,
            nearest_cosine: 0.0,
        }
    }

    /// The kernel-weighted click rate of the remembered items near `v`, with the nearest opened
    /// item for explanations. Items far away (cosine ≤ 0) weigh nothing.
    fn add_neighbours(&self, p: &mut Parts, v: &[f32]) {
        if self.members == 0 {
            return;
        }
        let (neighbours, nearest) = self.scan(v);
        p.neighbours = self.model.cfg.w_neighbours * neighbours;
        p.nearest_click = nearest.map(|(s, _)| s);
        p.nearest_cosine = nearest.map_or(0.0, |(_, c)| c);
    }

    /// Scores many candidates, part by part, in two passes. The first reads each candidate's
    /// rows (its vector, terms and counts: cache misses at random slots) with little work
    /// between reads, so the processor waits on many at once; the second runs the neighbour
    /// scans from one contiguous block. Interleaved, every scan waited on its own misses.
    pub fn parts_all(&self, slots: &[Slot]) -> Vec<Parts> {
        let dims = self.world.emb.dims;
        let mut vectors = vec![0.0f32; slots.len() * dims];
        let mut parts: Vec<Parts> = slots
            .iter()
            .enumerate()
            .map(|(i, &slot)| self.row_parts(slot, &mut vectors[i * dims..(i + 1) * dims]))
            .collect();
        for (i, p) in parts.iter_mut().enumerate() {
            self.add_neighbours(p, &vectors[i * dims..(i + 1) * dims]);
        }
        parts
    }

    /// Scores one candidate, part by part.
    pub fn parts(&self, slot: Slot) -> Parts {
        let dims = self.world.emb.dims;
        let (mut stack, mut heap) = ([0.0f32; MAX_DIMS], Vec::new());
        let v: &mut [f32] = if dims <= MAX_DIMS {
            &mut stack[..dims]
        } else {
            heap.resize(dims, 0.0);
            &mut heap
        };
        let mut p = self.row_parts(slot, v);
        self.add_neighbours(&mut p, v);
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::corpus::{Corpus, ItemDoc};
    use crate::rank::embed::embed;
    use crate::rank::model::learned_from_lists;

    /// 64 items in four feeds, each feed on its own domain. Feed 0 is one author's blog; in
    /// feeds 1 and 2 every fourth item is by "bob", who writes for both, the rest by others.
    fn corpus() -> Corpus {
        let docs: Vec<ItemDoc> = (0..64)
            .map(|i| {
                let feed = i % 4;
                let author = match feed {
                    0 => "ann".to_owned(),
                    1 | 2 if i % 16 < 4 => "bob".to_owned(),
                    _ => format!("staff{feed}"),
                };
                ItemDoc {
                    id: i,
                    feed: format!("feed{feed}"),
                    feed_name: String::new(),
                    author: Some(author),
                    domain: Some(format!("site{feed}.example")),
                    published: i,
                    terms: vec![(format!("word{}", i % 5), 1.0), ("common".into(), 0.5)],
                    title: String::new(),
                }
            })
            .collect();
        Corpus::build(&docs)
    }

    #[test]
    fn a_blog_on_its_own_domain_counts_its_opens_once_not_three_times() {
        let c = corpus();
        let e = embed(&c, 4, 1);
        let world = World {
            corpus: &c,
            emb: &e,
        };
        // Five lists of four, one from each feed; the feed-0 item of the first is opened.
        let m = learned_from_lists(world, 0..20, |s| s == 0);
        // Feed, author and domain of slot 40 hold the same single open.
        let p = m.scorer(world).parts(40);
        assert!(p.feed > 0.3, "the open lifts its feed: {}", p.feed);
        assert_eq!(
            (p.author, p.domain),
            (0.0, 0.0),
            "the same open counted again (feed part {})",
            p.feed
        );
    }

    #[test]
    fn scoring_a_list_at_once_gives_each_item_its_own_parts() {
        let c = corpus();
        let e = embed(&c, 4, 1);
        let world = World {
            corpus: &c,
            emb: &e,
        };
        let m = learned_from_lists(world, 0..32, |s| s % 4 == 1);
        let scorer = m.scorer(world);
        let slots: Vec<Slot> = (32..64).rev().chain([40, 0]).collect();
        let one_by_one: Vec<Parts> = slots.iter().map(|&s| scorer.parts(s)).collect();
        assert_eq!(scorer.parts_all(&slots), one_by_one);
        assert!(one_by_one.iter().any(|p| p.nearest_click.is_some()));
        let cold = crate::rank::model::UserModel::new(m.cfg, e.dims, 1);
        let cold_scorer = cold.scorer(world);
        let cold_parts: Vec<Parts> = slots.iter().map(|&s| cold_scorer.parts(s)).collect();
        assert_eq!(
            cold_scorer.parts_all(&slots),
            cold_parts,
            "nothing learned yet"
        );
    }

    #[test]
    fn an_author_opened_across_feeds_stands_out_within_each_feed() {
        let c = corpus();
        let e = embed(&c, 4, 1);
        let world = World {
            corpus: &c,
            emb: &e,
        };
        // Slots 0..48 shown in lists of four; bob's items (feeds 1 and 2) are the ones opened.
        let m = learned_from_lists(world, 0..48, |s| {
            c.author[s] == c.author[1] && (s % 4 == 1 || s % 4 == 2)
        });
        let scorer = m.scorer(world);
        // Slot 49 is bob's (feed 1), slot 53 a colleague's in the same feed.
        assert_eq!(c.author[49], c.author[1]);
        assert_ne!(c.author[53], c.author[1]);
        let (bob, other) = (scorer.parts(49), scorer.parts(53));
        assert_eq!(bob.feed, other.feed, "same feed, same feed part");
        assert!(
            bob.author > 0.2 && bob.author > other.author + 0.2,
            "bob {} vs colleague {}",
            bob.author,
            other.author
        );
    }
}
