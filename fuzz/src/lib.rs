//! What the fuzz targets share: the text format of their inputs ([`text`]), a stub backend that
//! answers whatever an input says over real HTTP ([`stub`]), and the gateway with its embedded
//! sandbox, built once per process ([`gateway`]).
//!
//! Every input is text shaped like an HTTP message — a first line, header lines, a blank line, a
//! body — so that seeds are written by hand from the fixtures and the README's queries, a crash
//! file can be read as it is, and libFuzzer's mutations (and its dictionaries) work on the body
//! without shifting the rest.

pub mod gateway;
pub mod stub;
pub mod text;
