//! Test support for the parsing machinery and the adapters built on it.

/// A seeded pseudo-random sequence (xorshift64) for tests that generate
/// or damage input.
pub fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}
