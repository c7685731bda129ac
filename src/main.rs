fn main() -> std::process::ExitCode {
    reglament::cli::main()
}
