//! Thin entry point: everything lives in the library.

fn main() -> color_eyre::Result<()> {
    catalyst_tui::cli::run()
}
