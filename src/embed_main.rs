//! Entry point of the embed player's wasm: everything happens in [`jieti::embed::start`].

fn main() {
    jieti::embed::start();
}
