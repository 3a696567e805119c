namespace Baton.Spec.Schema;

/// <summary>Any YAML value: strings may hold <c>${…}</c> expressions anywhere inside.</summary>
public sealed record AnyShape : Shape;
