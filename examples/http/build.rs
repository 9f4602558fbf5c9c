sekoia_build::main!(http_modules);
