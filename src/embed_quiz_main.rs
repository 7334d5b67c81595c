//! Entry point of the quiz embed's wasm: everything happens in [`jieti::embed::start_quiz`].

fn main() {
    jieti::embed::start_quiz();
}
