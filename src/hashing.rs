//! SHA-256 as lowercase hexadecimal: the one way the gateway names things by their content or
//! hides client-chosen text in keys (cache keys, idempotency records, rate-limit keys, persisted
//! documents, GraphiQL's asset URLs). And the hasher of the in-memory maps every request looks
//! into ([`MapHasher`]).

use sha2::{Digest, Sha256};

/// The hasher of in-process maps every request looks into whose keys the gateway makes (verified
/// tokens by SHA-256, rate-limit buckets, the cache's in-process tier: keys of a few hundred bytes
/// the gateway composes), at a fraction of SipHash's cost. foldhash does not claim resistance to
/// keys chosen to collide, so a map keyed by text a client sends as is (the admitted documents)
/// keeps the standard library's SipHash.
pub type MapHasher = foldhash::quality::RandomState;

/// The whole SHA-256 of `data`, 64 hexadecimal digits (as Apollo's persisted queries use it).
pub fn sha256_hex(data: impl AsRef<[u8]>) -> String {
    short_sha256_hex(data, 32)
}

/// The first `bytes` bytes of the SHA-256 of `data`, as `2 × bytes` hexadecimal digits: enough to
/// tell values apart where the whole digest is not needed.
pub fn short_sha256_hex(data: impl AsRef<[u8]>, bytes: usize) -> String {
    let digest = Sha256::digest(data.as_ref());
    hex(&digest[..bytes.min(digest.len())])
}

/// `bytes` as lowercase hexadecimal (for a digest computed piece by piece).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_apollos_and_shortens_by_bytes() {
        let full = sha256_hex("{__typename}");
        assert_eq!(
            full,
            "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"
        );
        assert_eq!(short_sha256_hex("{__typename}", 8), full[..16]);
    }
}
