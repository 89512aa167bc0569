package com.example.orders;

import dev.cairn.test.CairnExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class InMemoryTimersAndCallbacksTest extends TimersAndCallbacksSpec {

    @RegisterExtension
    CairnExtension cairn = CairnExtension.inMemory();
}
