namespace Baton.Providers;

/// <summary>
/// A configured provider instance: the only way the engine touches the outside world. User errors come back as
/// diagnostics and failures as <see cref="ProviderError"/>s, not exceptions. Every mutating call carries an
/// idempotency key (the journal's operation id): a call retried with the same key must not make a second resource,
/// and <see cref="ReadAsync"/> with only the key must find what an interrupted call made.
/// Instances are used from many threads at once.
/// </summary>
public interface IProvider : IAsyncDisposable
{
    /// <summary>The family's schema.</summary>
    ProviderSchema Schema { get; }

    /// <summary>Checks a resource's inputs (which may hold unknown values) beyond what the schema says.</summary>
    ValueTask<ValidateResult> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken);

    /// <summary>Plans a change: the attributes after it (unknown where computed) and which changes force replacement.</summary>
    ValueTask<PlanResult> PlanAsync(PlanRequest request, CancellationToken cancellationToken);

    /// <summary>Creates a resource.</summary>
    ValueTask<ResourceResult> CreateAsync(CreateRequest request, CancellationToken cancellationToken);

    /// <summary>Reads what exists; a resource that is gone is an answer (<see cref="ReadResult.Exists"/> false), not an error.</summary>
    ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken);

    /// <summary>Updates a resource in place.</summary>
    ValueTask<ResourceResult> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken);

    /// <summary>Deletes a resource; deleting one that is already gone succeeds.</summary>
    ValueTask<DeleteResult> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken);

    /// <summary>Runs a workflow action.</summary>
    ValueTask<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken);
}
