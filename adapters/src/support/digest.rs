//! SHA-256 the way the support contract writes it: 64 lower-case hexadecimal digits, computed a
//! piece at a time as a body streams past (the adapter over what it uploads and downloads, the
//! simulator over what arrives), and the `Repr-Digest` header of a download (RFC 9530,
//! `sha-256=:<base64>:`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// A SHA-256 computed over a body as it passes, and the bytes counted.
#[derive(Debug, Clone, Default)]
pub(crate) struct Hasher {
    sha: Sha256,
    bytes: u64,
}

impl Hasher {
    /// Adds the next piece of the body.
    pub(crate) fn update(&mut self, chunk: &[u8]) {
        self.sha.update(chunk);
        self.bytes += chunk.len() as u64;
    }

    /// How many bytes went past so far.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The digest of everything that went past, in lower-case hexadecimal.
    pub(crate) fn hex(self) -> String {
        hex(&self.sha.finalize())
    }
}

/// The SHA-256 of `bytes`, in lower-case hexadecimal.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    digest
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0x0f)]])
        .map(char::from)
        .collect()
}

/// Whether `text` is a SHA-256 as the contract writes it: 64 lower-case hexadecimal digits.
pub(crate) fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The `Repr-Digest` header value of a body whose SHA-256 is `hex` (lower-case hexadecimal):
/// `sha-256=:<standard base64 of the 32 bytes>:`; `None` for a text that is not one.
pub(crate) fn repr_digest(hex: &str) -> Option<String> {
    if !is_sha256_hex(hex) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..32)
        .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect();
    Some(format!("sha-256=:{}:", STANDARD.encode(bytes?)))
}

/// The SHA-256, in lower-case hexadecimal, a `Repr-Digest` header announces; `None` when it
/// announces none (or not in the form `sha-256=:<base64>:`). Other algorithms listed beside it
/// are ignored.
pub(crate) fn from_repr_digest(header: &str) -> Option<String> {
    header.split(',').find_map(|member| {
        let value = member.trim().strip_prefix("sha-256=:")?.strip_suffix(':')?;
        let bytes = STANDARD.decode(value).ok()?;
        (bytes.len() == 32).then(|| hex(&bytes))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_digest_is_the_whole_bodys_and_travels_in_repr_digest() {
        let mut hasher = Hasher::default();
        hasher.update(b"ab");
        hasher.update(b"c");
        assert_eq!(hasher.bytes(), 3);
        let hex = hasher.hex();
        assert_eq!(
            hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha256_hex(b"abc"), hex);
        assert!(is_sha256_hex(&hex));
        assert!(!is_sha256_hex(&hex.to_uppercase()));
        let header = repr_digest(&hex).expect("a digest");
        assert_eq!(
            header,
            "sha-256=:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=:"
        );
        assert_eq!(from_repr_digest(&header), Some(hex.clone()));
        assert_eq!(
            from_repr_digest(&format!("sha-512=:AAAA:, {header}")),
            Some(hex)
        );
        assert_eq!(from_repr_digest("sha-256=:AAAA:"), None);
        assert_eq!(repr_digest("abc"), None);
    }
}
