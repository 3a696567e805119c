using System.Collections.Immutable;
using Baton.Diagnostics;
using Baton.Engine.Providers;
using Baton.Providers;
using Baton.State;

namespace Baton.Engine.Planning;

/// <summary>
/// Reads every resource object in state from its provider, in parallel, so a plan starts from what exists: changed
/// attributes are taken in, and objects that are gone leave state (and will be created again).
/// </summary>
public static class Refresher
{
    /// <summary>The refreshed state and what refresh found.</summary>
    public sealed record Result(StackState State, ImmutableArray<string> Gone, ImmutableArray<Diagnostic> Diagnostics);

    /// <summary>Refreshes <paramref name="state"/> with at most <paramref name="parallelism"/> reads at once.</summary>
    public static async Task<Result> RefreshAsync(StackState state, ProviderHost providers, int parallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(providers);
        var objects = state.Resources.Values.ToList();
        var results = new ReadResult?[objects.Count];
        var errors = new string?[objects.Count];
        await Parallel.ForAsync(0, objects.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism <= 0 ? -1 : parallelism, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var resource = objects[i];
            try
            {
                var provider = await providers.GetAsync(resource.Provider, token);
                var read = await provider.ReadAsync(
                    new ReadRequest { Type = resource.Type, Address = resource.Address, Id = resource.Id, Inputs = resource.Inputs, Attributes = resource.Attributes },
                    token);
                if (read.Error is { } error)
                {
                    errors[i] = error.Message;
                }
                else
                {
                    results[i] = read;
                }
            }
            catch (ProviderUnavailableException ex)
            {
                errors[i] = ex.Message;
            }
        });

        var builder = state.Resources.ToBuilder();
        var gone = ImmutableArray.CreateBuilder<string>();
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        for (var i = 0; i < objects.Count; i++)
        {
            var resource = objects[i];
            if (errors[i] is { } message)
            {
                // Keep what state knows; the plan goes on from it, and says refresh failed.
                diagnostics.Add(new Diagnostic
                {
                    Severity = DiagnosticSeverity.Warning,
                    Code = DiagnosticCodes.ProviderFailed,
                    Message = $"could not refresh {resource.Address}: {message}",
                    Subject = resource.Address,
                });
                continue;
            }

            var read = results[i]!;
            if (!read.Exists)
            {
                builder.Remove(resource.Key);
                gone.Add(resource.Address);
            }
            else if (read.Attributes is { } attributes && attributes != resource.Attributes)
            {
                builder[resource.Key] = resource with { Attributes = attributes, Id = read.Id ?? resource.Id };
            }
        }

        return new Result(state with { Resources = builder.ToImmutable() }, gone.ToImmutable(), diagnostics.ToImmutable());
    }
}
