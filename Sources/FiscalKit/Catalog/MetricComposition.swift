/// A stated total and the parts it is made of (domain.md): 三公经费 = 因公出国（境）费
/// + 公务用车购置及运行维护费 + 公务接待费, and 公务用车 = 购置 + 运行维护.
///
/// Readers check a document's figures against it (parts that contradict their
/// total in one paragraph are not stored); `fiscal conflicts --totals` lists the
/// stored totals whose parts disagree.
public struct MetricComposition: Sendable {
    public var total: String
    public var parts: [String]

    public static let all = [
        MetricComposition(total: "three_public_total", parts: ["overseas_travel", "vehicle_total", "official_reception"]),
        MetricComposition(total: "vehicle_total", parts: ["vehicle_purchase", "vehicle_operation"]),
    ]
}
