"""The benchmark module: the components of bench/rust_module, written with sekoia-automation-sdk
the way its tutorial shows."""
