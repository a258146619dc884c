//! Cargo build script: the default theme is embedded with `include_dir!`, which does not
//! tell Cargo about the files it reads; this makes a theme edit rebuild the binary.

fn main() {
    println!("cargo:rerun-if-changed=themes/default");
}
