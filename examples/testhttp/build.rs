sekoia_build::main!(testhttp_modules);
