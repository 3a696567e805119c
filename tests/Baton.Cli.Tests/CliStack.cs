using Baton.Providers.Sim;
using Microsoft.Data.Sqlite;

namespace Baton.Cli.Tests;

/// <summary>
/// A stack in a directory of its own under the system temp folder, for the commands to run in: its <c>baton.yaml</c>,
/// the files baton keeps in <c>.baton</c> beside it, and the CLI run there in-process. Removed on dispose.
/// </summary>
internal sealed class CliStack : IDisposable
{
    public CliStack(string prefix, string stackYaml)
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
        WriteStackFile(stackYaml);
    }

    public string Path { get; }

    /// <summary>The state file baton uses by default.</summary>
    public string StatePath => Combine(".baton", "state.db");

    /// <summary>The secret key file baton uses by default.</summary>
    public string KeyPath => Combine(".baton", "secret.key");

    /// <summary>Where the stacks here keep their sim world (<c>world: .baton/sim-world.db</c>).</summary>
    public string WorldPath => Combine(".baton", "sim-world.db");

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <c>baton.yaml</c> anew.</summary>
    public void WriteStackFile(string stackYaml) => File.WriteAllText(Combine("baton.yaml"), stackYaml);

    /// <summary>Runs the baton command here, as a user would.</summary>
    public CliRunner.Result Run(params string[] args) => CliRunner.Run(Path, args);

    /// <summary>Opens the sim world the stack's resources live in.</summary>
    public SimWorld World() => SimWorld.Open(WorldPath);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
