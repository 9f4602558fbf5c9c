sekoia_build::main!(bench_modules);
