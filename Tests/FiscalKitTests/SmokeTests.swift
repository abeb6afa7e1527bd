import Testing
@testable import FiscalKit
@Test func schemaEmbedded() { #expect(Embedded.schema.contains("migration")) }
