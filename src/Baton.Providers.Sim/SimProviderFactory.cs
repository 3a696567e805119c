using Microsoft.Data.Sqlite;

namespace Baton.Providers.Sim;

/// <summary>
/// Makes <c>sim</c> provider instances. Settings (all optional): <c>world</c> (the world database, relative to the
/// stack directory; default <c>sim-world.db</c> in the state directory), <c>seed</c>, <c>durability</c>
/// (<c>fast</c> by default: SQLite WAL with <c>synchronous=NORMAL</c>, which survives a killed process but not a
/// power loss; <c>full</c> fsyncs every write), <c>read_after_write_delay</c> and <c>retry_after</c>.
/// A bad setting is a <see cref="ProviderSettingProblem"/> naming it.
/// </summary>
public sealed class SimProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => SimSchema.Provider;

    /// <inheritdoc />
    public ValueTask<ProviderCreation> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<ProviderSettingProblem>();
        var settings = SimSettings.From(configuration, problems);
        if (problems.Count > 0)
        {
            return ValueTask.FromResult(ProviderCreation.Failed(problems));
        }

        SimWorldStore store;
        try
        {
            store = SimWorldStore.Open(settings.WorldPath, settings.FullDurability);
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            return ValueTask.FromResult(ProviderCreation.Failed("world", $"cannot open the world database \"{settings.WorldPath}\": {exception.Message}"));
        }

        return ValueTask.FromResult(ProviderCreation.Started(new SimProvider(store, settings, configuration.Time)));
    }
}
