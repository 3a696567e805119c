using System.Collections.Immutable;

namespace Baton.Providers.Tests.Conformance;

/// <summary>Starts providers from their factories in tests: one that must start, and one whose settings must be refused.</summary>
internal static class ProviderStarts
{
    /// <summary>The instance <paramref name="factory"/> starts from <paramref name="configuration"/>; a refused setting fails the test, naming it.</summary>
    public static async Task<IProvider> StartAsync(this IProviderFactory factory, ProviderConfiguration configuration)
    {
        var creation = await factory.CreateAsync(configuration, CancellationToken.None);
        return creation.Provider ?? throw new InvalidOperationException(
            "the provider did not start: " + string.Join("; ", creation.Problems.Select(p => $"setting \"{p.Setting}\": {p.Message}")));
    }

    /// <summary>What <paramref name="factory"/> says is wrong with <paramref name="configuration"/>; an instance that starts fails the test.</summary>
    public static async Task<ImmutableArray<ProviderSettingProblem>> RefusedAsync(this IProviderFactory factory, ProviderConfiguration configuration)
    {
        var creation = await factory.CreateAsync(configuration, CancellationToken.None);
        if (creation.Provider is { } started)
        {
            await started.DisposeAsync();
            Assert.Fail("the provider started, but its settings should have been refused");
        }

        Assert.NotEmpty(creation.Problems);
        return creation.Problems;
    }
}
