sekoia_build::main!(sample_modules);
