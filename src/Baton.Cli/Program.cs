using Baton.Cli;

return BatonCli.Run(args, CliContext.FromConsole());
