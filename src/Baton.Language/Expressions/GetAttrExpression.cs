namespace Baton.Expressions;

/// <summary><c>target.name</c>: an attribute of an object, which for a map is the value of the key <paramref name="Name"/>.</summary>
/// <param name="Target">The object.</param>
/// <param name="Name">The attribute.</param>
public sealed record GetAttrExpression(Expression Target, string Name) : Expression;
