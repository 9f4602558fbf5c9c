sekoia_build::main!(cyberark_modules);
