//! Stable hashes for what is stored: the same value on every build and platform, unlike std's
//! hashers, so a key or a hash written today still matches tomorrow.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01B3;

/// FNV-1a (64 bit) over the parts, each followed by a 0xFF separator (a byte no UTF-8 text
/// holds, so ("ab", "c") and ("a", "bc") differ). It takes one multiply per byte, one after
/// another; item keys made from it are stored, so it stays as it is.
pub fn fnv1a(parts: &[&str]) -> u64 {
    fnv1a_bytes(&parts.iter().map(|p| p.as_bytes()).collect::<Vec<_>>())
}

/// [`fnv1a`] over parts that are bytes.
pub fn fnv1a_bytes(parts: &[&[u8]]) -> u64 {
    let mut h = FNV_OFFSET;
    for part in parts {
        for &b in part.iter().chain(std::iter::once(&0xFF)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(FNV_PRIME);
        }
    }
    h
}

/// [`xxh64`] over the parts, each followed by a 0xFF separator, as [`fnv1a`] reads them.
pub fn xxh64_parts(parts: &[&[u8]]) -> u64 {
    let mut bytes = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for part in parts {
        bytes.extend_from_slice(part);
        bytes.push(0xFF);
    }
    xxh64(&bytes)
}

/// The hash of what an item shows (its title, sanitized HTML and link), stored to tell an
/// unchanged item from an updated one: XXH64, tagged with an `x` so that it never equals
/// [`legacy_content_hash`].
pub fn content_hash(title: &str, content_html: &str, url: &str) -> String {
    let parts = [title.as_bytes(), content_html.as_bytes(), url.as_bytes()];
    format!("x{:016x}", xxh64_parts(&parts))
}

/// The content hash earlier builds stored for the same parts (FNV-1a, untagged): the store
/// still takes an item that carries it as unchanged.
pub fn legacy_content_hash(title: &str, content_html: &str, url: &str) -> String {
    format!("{:016x}", fnv1a(&[title, content_html, url]))
}

const P1: u64 = 0x9E37_79B1_85EB_CA87;
const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const P3: u64 = 0x1656_67B1_9E37_79F9;
const P4: u64 = 0x85EB_CA77_C2B2_AE63;
const P5: u64 = 0x27D4_EB2F_1656_67C5;

fn read64(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

fn round(acc: u64, input: u64) -> u64 {
    acc.wrapping_add(input.wrapping_mul(P2))
        .rotate_left(31)
        .wrapping_mul(P1)
}

fn merge(acc: u64, lane: u64) -> u64 {
    (acc ^ round(0, lane)).wrapping_mul(P1).wrapping_add(P4)
}

/// XXH64 with seed 0, as its specification defines it: eight bytes a step in four independent
/// lanes, where [`fnv1a`] takes one byte a step in one. For noticing that stored content
/// changed; not for anything an adversary may aim at.
pub fn xxh64(input: &[u8]) -> u64 {
    let mut rest = input;
    let mut h = if input.len() >= 32 {
        let mut v = [P1.wrapping_add(P2), P2, 0, 0u64.wrapping_sub(P1)];
        let mut stripes = input.chunks_exact(32);
        for stripe in &mut stripes {
            for (lane, bytes) in v.iter_mut().zip(stripe.chunks_exact(8)) {
                *lane = round(*lane, read64(bytes));
            }
        }
        rest = stripes.remainder();
        let h = v[0]
            .rotate_left(1)
            .wrapping_add(v[1].rotate_left(7))
            .wrapping_add(v[2].rotate_left(12))
            .wrapping_add(v[3].rotate_left(18));
        v.iter().fold(h, |h, &lane| merge(h, lane))
    } else {
        P5
    };
    h = h.wrapping_add(input.len() as u64);
    let mut words = rest.chunks_exact(8);
    for word in &mut words {
        h ^= round(0, read64(word));
        h = h.rotate_left(27).wrapping_mul(P1).wrapping_add(P4);
    }
    let mut rest = words.remainder();
    if rest.len() >= 4 {
        let mut w = [0u8; 4];
        w.copy_from_slice(&rest[..4]);
        h ^= u64::from(u32::from_le_bytes(w)).wrapping_mul(P1);
        h = h.rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
        rest = &rest[4..];
    }
    for &b in rest {
        h ^= u64::from(b).wrapping_mul(P5);
        h = h.rotate_left(11).wrapping_mul(P1);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P3);
    h ^ (h >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_is_the_stored_function() {
        // Item keys stored with it must still match: pinned to the byte-by-byte definition.
        assert_eq!(fnv1a(&[]), FNV_OFFSET);
        let mut h = FNV_OFFSET;
        for b in [b'a', 0xFF, b'b', b'c', 0xFF] {
            h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
        assert_eq!(fnv1a(&["a", "bc"]), h);
        assert_eq!(fnv1a_bytes(&[b"a", b"bc"]), h);
    }

    #[test]
    fn xxh64_gives_the_reference_implementation_s_values() {
        // From the reference implementation (Python's xxhash 3, `xxh64(b).intdigest()`).
        let ramp = |n: u32| (0..n).map(|i| (i * 7 % 251) as u8).collect::<Vec<u8>>();
        assert_eq!(xxh64(b""), 0xef46_db37_51d8_e999);
        assert_eq!(xxh64(b"abc"), 0x44bc_2cf5_ad77_0999);
        assert_eq!(xxh64(&ramp(37)), 0x4788_90c6_0739_0313);
        assert_eq!(xxh64(&ramp(1000)), 0x023f_d2ed_1ff9_57d5);
        assert_eq!(xxh64_parts(&[b"ab", b"c"]), xxh64(b"ab\xffc\xff"));
        assert_ne!(xxh64_parts(&[b"ab", b"c"]), xxh64_parts(&[b"a", b"bc"]));
    }
}
