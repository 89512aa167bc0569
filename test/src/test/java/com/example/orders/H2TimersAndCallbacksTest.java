package com.example.orders;

import dev.cairn.test.CairnExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class H2TimersAndCallbacksTest extends TimersAndCallbacksSpec {

    @RegisterExtension
    CairnExtension cairn = CairnExtension.h2();
}
