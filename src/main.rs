fn main() -> std::process::ExitCode {
    tokenledger::run(std::env::args_os())
}
