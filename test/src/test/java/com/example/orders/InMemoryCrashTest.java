package com.example.orders;

import dev.cairn.test.CairnExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class InMemoryCrashTest extends CrashSpec {

    @RegisterExtension
    CairnExtension cairn = CairnExtension.inMemory();
}
