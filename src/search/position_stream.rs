//! A word's positions in one field of a segment, read front to back by `dense_phrase.rs`.
//! Tantivy's `PositionReader` copies each document's positions out of its decoded block, one
//! call per document; a phrase of common words asks for a third of a million documents' at a
//! million items, so here the gaps are handed over from the decoded block as they are. The
//! layout is tantivy's (`tantivy::positions`): the number of packed blocks as a VInt, one bit
//! width per block, the blocks of 128 gaps bit-packed (`bitpacking`'s 4x packer, which tantivy
//! uses), then the last gaps as VInts to the end of the term's bytes.

use bitpacking::{BitPacker, BitPacker4x};
use std::io;
use tantivy::directory::OwnedBytes;

const BLOCK: usize = BitPacker4x::BLOCK_LEN;

pub(super) struct PositionStream {
    data: OwnedBytes,
    /// Where the bit widths start in `data`, and how many packed blocks there are.
    widths_at: usize,
    packed: usize,
    /// The next block to decode (the one after the packed ones is the VInt tail) and where
    /// its bytes start.
    next_block: usize,
    next_byte: usize,
    /// The decoded block: its gaps, how many, and the index of the first among the term's.
    gaps: [u32; BLOCK],
    len: usize,
    first: u64,
    packer: BitPacker4x,
}

impl PositionStream {
    pub(super) fn open(data: OwnedBytes) -> io::Result<Self> {
        let bytes = data.as_slice();
        let (mut packed, mut at, mut shift) = (0usize, 0usize, 0u32);
        loop {
            let Some(&byte) = bytes.get(at) else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "positions end inside their block count",
                ));
            };
            at += 1;
            packed |= usize::from(byte & 127) << shift;
            if byte & 128 != 0 {
                break;
            }
            shift += 7;
            if shift > 56 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "positions' block count is too long",
                ));
            }
        }
        if bytes.len() < at + packed {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "positions end inside their bit widths",
            ));
        }
        Ok(Self {
            widths_at: at,
            packed,
            next_block: 0,
            next_byte: at + packed,
            data,
            gaps: [0; BLOCK],
            len: 0,
            first: 0,
            packer: BitPacker4x::new(),
        })
    }

    /// Calls `each` with the `n` gaps from the `start`th of the term's on, in order. `start`
    /// must not go back from one call to the next; gaps past the end are not there to give.
    pub(super) fn gaps(&mut self, start: u64, n: u32, mut each: impl FnMut(u32)) {
        let mut at = start;
        let end = start + u64::from(n);
        if at < self.first {
            self.rewind();
        }
        while at < end {
            if at >= self.first + self.len as u64 && !self.load_block_of(at) {
                return;
            }
            let from = (at - self.first) as usize;
            let upto = (end - self.first).min(self.len as u64) as usize;
            for &gap in &self.gaps[from..upto] {
                each(gap);
            }
            at = self.first + upto as u64;
        }
    }

    fn rewind(&mut self) {
        self.next_block = 0;
        self.next_byte = self.widths_at + self.packed;
        self.first = 0;
        self.len = 0;
    }

    /// Decodes the block holding the `at`th gap, passing over the packed blocks before it
    /// unread; `false` when there is no such gap.
    fn load_block_of(&mut self, at: u64) -> bool {
        let block = usize::try_from(at / BLOCK as u64).unwrap_or(usize::MAX);
        let target = block.min(self.packed);
        if target < self.next_block {
            // Only the VInt tail is shorter than a block, so `at` is past the end.
            return false;
        }
        let widths = self.data.as_slice();
        let skipped = widths
            .get(self.widths_at + self.next_block..self.widths_at + target)
            .map_or(0, |w| w.iter().map(|&b| usize::from(b)).sum::<usize>());
        self.next_byte += skipped * BLOCK / 8;
        self.next_block = target;
        self.first = (target * BLOCK) as u64;
        let bytes = self.data.as_slice().get(self.next_byte..).unwrap_or(&[]);
        if target < self.packed {
            let width = widths[self.widths_at + target];
            let size = usize::from(width) * BLOCK / 8;
            if bytes.len() < size {
                self.len = 0;
                return false;
            }
            self.packer
                .decompress(&bytes[..size], &mut self.gaps, width);
            self.len = BLOCK;
            self.next_byte += size;
        } else {
            self.len = decode_vints(bytes, &mut self.gaps);
            self.next_byte = self.data.len();
        }
        self.next_block = target + 1;
        at < self.first + self.len as u64
    }
}

/// Decodes VInts (7 bits a byte, the last byte of each marked by its high bit) until `bytes`
/// or `out` runs out; the number decoded.
fn decode_vints(bytes: &[u8], out: &mut [u32; BLOCK]) -> usize {
    let (mut n, mut value, mut shift) = (0, 0u32, 0u32);
    for &byte in bytes {
        if n == BLOCK {
            break;
        }
        value |= u32::from(byte & 127).checked_shl(shift).unwrap_or(0);
        if byte & 128 != 0 {
            out[n] = value;
            n += 1;
            value = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::positions::PositionSerializer;

    /// Gaps written by tantivy's own serializer, as one term.
    fn written(gaps: &[u32]) -> OwnedBytes {
        let mut bytes = Vec::new();
        let mut serializer = PositionSerializer::new(&mut bytes);
        serializer.write_positions_delta(gaps);
        serializer.close_term().unwrap_or_else(|e| panic!("{e}"));
        serializer.close().unwrap_or_else(|e| panic!("{e}"));
        OwnedBytes::new(bytes)
    }

    fn read(stream: &mut PositionStream, start: u64, n: u32) -> Vec<u32> {
        let mut out = Vec::new();
        stream.gaps(start, n, |g| out.push(g));
        out
    }

    #[test]
    fn reads_what_tantivy_wrote_across_packed_blocks_and_the_tail() {
        let gaps: Vec<u32> = (0..1000u32).map(|i| (i * 7919) % 3001).collect();
        let mut stream = PositionStream::open(written(&gaps)).unwrap_or_else(|e| panic!("{e}"));
        // Reads that start inside a block, span blocks, skip blocks, and end in the tail.
        let mut at = 0u64;
        for n in [3u32, 125, 1, 300, 0, 2, 17, 129, 40] {
            let want = &gaps[at as usize..(at as usize + n as usize).min(gaps.len())];
            assert_eq!(read(&mut stream, at, n), want, "at {at}, {n}");
            at += u64::from(n) + 11;
        }
        assert_eq!(read(&mut stream, 990, 20), &gaps[990..]);
        assert!(read(&mut stream, 2000, 5).is_empty());
    }

    #[test]
    fn reads_a_term_with_only_a_tail_and_one_of_exact_blocks() {
        for len in [1usize, 5, 127, 128, 256] {
            let gaps: Vec<u32> = (0..len as u32).map(|i| i % 9 + 1).collect();
            let mut stream = PositionStream::open(written(&gaps)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(read(&mut stream, 0, len as u32), gaps, "{len}");
        }
    }

    #[test]
    fn refuses_truncated_bytes_without_panicking() {
        assert!(PositionStream::open(OwnedBytes::new(Vec::new())).is_err());
        assert!(PositionStream::open(OwnedBytes::new(vec![0x85])).is_err());
        let gaps: Vec<u32> = (0..300).collect();
        let whole = written(&gaps);
        let cut = OwnedBytes::new(whole.as_slice()[..whole.len() / 2].to_vec());
        let mut stream = PositionStream::open(cut).unwrap_or_else(|e| panic!("{e}"));
        assert!(read(&mut stream, 0, 300).len() < 300);
    }
}
