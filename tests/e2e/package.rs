//! The installable package: `cargo tauri build` (through `scripts/package.sh`) makes a .deb with
//! the binary, a desktop entry and the icons; installing it puts a working `cmu-studio` on the
//! PATH, which opens its window.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::App;

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a package-manager command as root (directly, or through non-interactive sudo).
fn as_root(args: &[&str]) {
    let is_root = run("id", &["-u"]).trim() == "0";
    let status = if is_root {
        Command::new(args[0]).args(&args[1..]).status().unwrap()
    } else {
        Command::new("sudo").arg("-n").args(args).status().unwrap()
    };
    assert!(
        status.success(),
        "{args:?} failed (root or passwordless sudo is needed)"
    );
}

#[tokio::test]
async fn the_deb_installs_a_working_app_with_a_desktop_entry() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(root.join("scripts/package.sh"))
        .current_dir(root)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "packaging failed:\n{log}");
    let deb = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(deb.extension().is_some_and(|e| e == "deb"), "{deb:?}");
    let deb_path = deb.to_str().unwrap();

    let listing = run("dpkg", &["-c", deb_path]);
    // Member names carry no leading `./` in Tauri's packages; accept both spellings.
    let listing = listing.replace(" ./usr/", " usr/");
    assert!(listing.contains(" usr/bin/cmu-studio"), "{listing}");
    // `dpkg -c` prints `ls -l`-like lines; the path (which may hold spaces) is the 6th field on.
    let desktop = listing
        .lines()
        .map(|l| l.split_whitespace().skip(5).collect::<Vec<_>>().join(" "))
        .find(|p| p.starts_with("usr/share/applications/") && p.ends_with(".desktop"))
        .unwrap_or_else(|| panic!("no desktop entry in {listing}"));
    for size in ["32x32", "128x128"] {
        assert!(
            listing.contains(&format!(
                " usr/share/icons/hicolor/{size}/apps/cmu-studio.png"
            )),
            "{size} icon missing: {listing}"
        );
    }
    let fields = run(
        "dpkg-deb",
        &["-f", deb_path, "Package", "Version", "Depends"],
    );
    assert!(fields.contains("libwebkit2gtk-4.1-0"), "{fields}");

    // The desktop entry launches the installed binary with its icon, from the menu.
    let entry = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "dpkg-deb --fsys-tarfile '{deb_path}' | tar -xOf - '{desktop}'"
        ))
        .output()
        .unwrap();
    let entry = String::from_utf8_lossy(&entry.stdout);
    assert!(entry.contains("Exec=cmu-studio"), "{entry}");
    assert!(entry.contains("Icon=cmu-studio"), "{entry}");
    assert!(entry.contains("Name=CMU Studio"), "{entry}");

    as_root(&["dpkg", "-i", deb_path]);
    let installed = run("sh", &["-c", "command -v cmu-studio"]);
    assert_eq!(installed.trim(), "/usr/bin/cmu-studio");
    let version = run("cmu-studio", &["--version"]);
    assert!(version.contains(env!("CARGO_PKG_VERSION")), "{version}");
    assert!(
        version.contains("release"),
        "the package holds a release build: {version}"
    );

    // The installed app opens its window and talks to its Rust side.
    let app = App::launch_binary(Path::new("/usr/bin/cmu-studio"), &[]).await;
    app.click("#nav-about").await;
    let shown = app
        .wait_for_text("#about-version", |t| t != "…" && !t.is_empty())
        .await;
    assert_eq!(shown, env!("CARGO_PKG_VERSION"));
    app.screenshot("installed-package-about").await;
    app.quit().await;

    // Leave the machine as it was.
    as_root(&["dpkg", "-r", "cmu-studio"]);
}
