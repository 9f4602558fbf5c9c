sekoia_runtime::run!();
