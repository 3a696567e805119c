using System.CommandLine;
using Baton.Cli.Output;
using Baton.Diagnostics;
using Baton.Engine;
using Baton.Engine.Hosting;
using Baton.Engine.Workflows;
using Baton.Engine.Providers;
using Baton.Engine.Secrets;
using Baton.Binding;
using Baton.State;
using Baton.State.Sqlite;

namespace Baton.Cli.Commands;

/// <summary>
/// What the engine commands share: the provider families built in, loading and checking the stack, opening its
/// state store with its secret key, and turning engine failures into messages.
/// </summary>
internal static class Workspace
{
    public static ProviderRegistry Registry { get; } = ProviderRegistry.FromAssemblies(
    [
        typeof(Baton.Providers.Sim.SimProviderFactory).Assembly,
        typeof(Baton.Providers.File.FileProviderFactory).Assembly,
        typeof(Baton.Providers.Http.HttpProviderFactory).Assembly,
        typeof(Baton.Providers.Process.ProcessProviderFactory).Assembly,
        typeof(Baton.Providers.Container.ContainerProviderFactory).Assembly,
        typeof(Baton.Providers.Nginx.NginxProviderFactory).Assembly,
        typeof(Baton.Providers.Postgres.PostgresProviderFactory).Assembly,
        typeof(Baton.Providers.S3.S3ProviderFactory).Assembly,
        typeof(Baton.Providers.Host.HostProviderFactory).Assembly,
    ]);

    /// <summary>Loads, binds and checks the stack (providers' schemas included); null after printing diagnostics when it has errors.</summary>
    public static LoadedStack? LoadChecked(ParseResult parse, CliContext context, StackArguments stack, bool requireVariables)
    {
        var loaded = stack.Source(parse, context).LoadChecked(Registry, new BindOptions { RequireAllVariables = requireVariables });
        if (!loaded.IsUsable)
        {
            DiagnosticPrinter.Print(context, loaded.SortedDiagnostics, loaded.Spec?.Files ?? []);
            return null;
        }

        return loaded;
    }

    public static string StackDirectory(ParseResult parse, CliContext context, StackArguments stack) => context.Resolve(parse.GetValue(stack.Directory) ?? ".");

    /// <summary>
    /// Opens the stores of the state named by --state (default: .baton/state.db in the stack directory), backing it up to
    /// <c>backups/</c> beside it after each apply, destroy, import or rm that changes it.
    /// </summary>
    public static async Task<(StateStores Stores, AesGcmSecretProtector Protector)> OpenStoreAsync(ParseResult parse, CliContext context, EngineArguments engine, string stackDirectory, CancellationToken cancellationToken)
    {
        var path = StatePath(parse, engine, stackDirectory);
        var protector = Protector(context, stackDirectory, path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var backups = new StateBackups(path, TimeProvider.System)
            {
                Failed = ex => context.Error.WriteLine($"warning: the state was not backed up to {Path.Combine(Path.GetDirectoryName(path)!, StateBackups.DefaultDirectoryName)}: {ex.Message}"),
            };
            var stores = await SqliteStores.OpenAsync(path, protector, TimeProvider.System, backups, cancellationToken);
            return (stores, protector);
        }
        catch
        {
            protector.Dispose();
            throw;
        }
    }

    /// <summary>The state file --state names (default: .baton/state.db in the stack directory).</summary>
    public static string StatePath(ParseResult parse, EngineArguments engine, string stackDirectory)
    {
        var option = parse.GetValue(engine.State);
        return StateLocation.TryResolveSqlitePath(option, stackDirectory, out var path)
            ? path
            : throw new CliException($"--state \"{option}\" is not a state location; use sqlite:PATH");
    }

    /// <summary>
    /// The protector with the stack's secret key. A missing key file is made only for a state holding no sealed values
    /// (<paramref name="statePath"/>): for one that does, only the lost key could read them, so the command stops.
    /// </summary>
    public static AesGcmSecretProtector Protector(CliContext context, string stackDirectory, string statePath)
    {
        var keys = KeySource(context, stackDirectory);
        return new AesGcmSecretProtector(Key(keys, statePath)) { KeySource = keys.Origin };
    }

    /// <summary>The stack's secret key source, reading BATON_SECRET_KEY from the command's environment.</summary>
    public static SecretKeySource KeySource(CliContext context, string stackDirectory) =>
        new(Path.Combine(stackDirectory, SecretKeySource.DefaultRelativePath), name => context.Environment.TryGetValue(name, out var value) ? value : null);

    /// <summary>The key of <paramref name="keys"/>, never made anew for the sealed values of the state at <paramref name="statePath"/>.</summary>
    public static byte[] Key(SecretKeySource keys, string statePath)
    {
        try
        {
            return keys.GetKey(() => SqliteStores.HoldsSealedValues(statePath) ? statePath : null);
        }
        catch (SecretKeyException ex)
        {
            throw new CliException(ex.Message, ex);
        }
    }

    /// <summary>Runs an engine command body, turning expected failures into an error line and exit code 1.</summary>
    public static async Task<int> GuardAsync(CliContext context, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (StateFileException ex)
        {
            Fail(context, ex.Message, ex.Help);
            return ExitCodes.Error;
        }
        catch (ProviderUnavailableException ex) when (!ex.Diagnostics.IsEmpty)
        {
            DiagnosticPrinter.Print(context, ex.Diagnostics, []);
            return ExitCodes.Error;
        }
        catch (Exception ex) when (ex is CliException or RunControlException or LockUnavailableException or ProviderUnavailableException or StaleLockException or InvalidDataException or SecretKeyException)
        {
            Fail(context, ex.Message);
            return ExitCodes.Error;
        }
    }

    public static void Fail(CliContext context, string message, string? help = null) =>
        DiagnosticPrinter.Print(context, [new Diagnostic { Severity = DiagnosticSeverity.Error, Code = DiagnosticCodes.CommandFailed, Message = message, Help = help }], []);
}
