sekoia_build::main!(rss_modules);
