fn main() -> std::process::ExitCode {
    tokenledger::run()
}
