# The two commands of the README. Both install what is missing first (apt packages, tauri-driver).
.PHONY: run test deps package

deps:
	scripts/install-deps.sh

run: deps
	cargo run --bin cmu-studio

test:
	scripts/test.sh

package: deps
	scripts/package.sh
