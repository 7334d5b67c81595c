//! Entry point of the wasm app: everything happens in [`jieti::start`].

fn main() {
    jieti::start();
}
