using Baton.Values;

namespace Baton.Providers;

/// <summary>Run one workflow action.</summary>
public sealed record InvokeRequest
{
    /// <summary>The action, such as <c>postgres.dump</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Its inputs (<c>with:</c>), a map.</summary>
    public required Value Inputs { get; init; }

    /// <summary>
    /// For a notification (<c>notifies:</c>), the resource instance the action runs on, such as
    /// <c>app_service["web1"]</c>; its inputs are <see cref="Inputs"/>. Null for a workflow step.
    /// </summary>
    public string? Target { get; init; }

    /// <summary>For a notification, the provider's id of <see cref="Target"/>.</summary>
    public string? TargetId { get; init; }

    /// <summary>(run id, step id, attempt): lets an action recognise a repeat.</summary>
    public required string IdempotencyKey { get; init; }
}
