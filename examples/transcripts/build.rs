sekoia_build::main!(transcripts_modules);
