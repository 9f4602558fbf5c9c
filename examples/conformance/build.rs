sekoia_build::main!(conformance_modules);
