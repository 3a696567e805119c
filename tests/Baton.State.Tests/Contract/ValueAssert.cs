using Baton.Values;

namespace Baton.State.Tests.Contract;

/// <summary>Asserts two values are identical, sensitive marks and number bits included (Value equality ignores marks).</summary>
public static class ValueAssert
{
    public static void Identical(Value expected, Value actual, string path = "/")
    {
        Assert.True(expected.Kind == actual.Kind, $"{path}: kind {expected.Kind} != {actual.Kind}");
        Assert.True(expected.IsSensitive == actual.IsSensitive, $"{path}: sensitive {expected.IsSensitive} != {actual.IsSensitive}");
        switch (expected.Kind)
        {
            case ValueKind.Number:
                Assert.True(
                    BitConverter.DoubleToInt64Bits(expected.AsNumber()) == BitConverter.DoubleToInt64Bits(actual.AsNumber()),
                    $"{path}: {expected.AsNumber():R} != {actual.AsNumber():R}");
                break;
            case ValueKind.List:
                var left = expected.AsList();
                var right = actual.AsList();
                Assert.True(left.Length == right.Length, $"{path}: length {left.Length} != {right.Length}");
                for (var i = 0; i < left.Length; i++)
                {
                    Identical(left[i], right[i], $"{path}{i}/");
                }

                break;
            case ValueKind.Map:
                var leftMap = expected.AsMap();
                var rightMap = actual.AsMap();
                Assert.Equal(leftMap.Keys, rightMap.Keys);
                foreach (var (key, value) in leftMap)
                {
                    Identical(value, rightMap[key], $"{path}{key}/");
                }

                break;
            default:
                Assert.True(expected == actual, $"{path}: {expected} != {actual}");
                break;
        }
    }

    public static void Identical(ResourceState expected, ResourceState actual)
    {
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Address, actual.Address);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Provider, actual.Provider);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.DeposedKey, actual.DeposedKey);
        Assert.Equal(expected.Dependencies.AsEnumerable(), actual.Dependencies.AsEnumerable());
        Identical(expected.Inputs, actual.Inputs, $"{expected.Key}.inputs/");
        Identical(expected.Attributes, actual.Attributes, $"{expected.Key}.attributes/");
    }
}
